// Fixture of the Layout tests (never compiled): a file over 300 lines without an index of its
// sections, which scripts/check-section-index.sh must refuse.
namespace fixture {

int value_1() { return 1; }

int value_2() { return 2; }
int value_3() { return 3; }

int value_4() { return 4; }
int value_5() { return 5; }

int value_6() { return 6; }
int value_7() { return 7; }

int value_8() { return 8; }
int value_9() { return 9; }

int value_10() { return 10; }
int value_11() { return 11; }

int value_12() { return 12; }
int value_13() { return 13; }

int value_14() { return 14; }
int value_15() { return 15; }

int value_16() { return 16; }
int value_17() { return 17; }

int value_18() { return 18; }
int value_19() { return 19; }

int value_20() { return 20; }
int value_21() { return 21; }

int value_22() { return 22; }
int value_23() { return 23; }

int value_24() { return 24; }
int value_25() { return 25; }

int value_26() { return 26; }
int value_27() { return 27; }

int value_28() { return 28; }
int value_29() { return 29; }

int value_30() { return 30; }
int value_31() { return 31; }

int value_32() { return 32; }
int value_33() { return 33; }

int value_34() { return 34; }
int value_35() { return 35; }

int value_36() { return 36; }
int value_37() { return 37; }

int value_38() { return 38; }
int value_39() { return 39; }

int value_40() { return 40; }
int value_41() { return 41; }

int value_42() { return 42; }
int value_43() { return 43; }

int value_44() { return 44; }
int value_45() { return 45; }

int value_46() { return 46; }
int value_47() { return 47; }

int value_48() { return 48; }
int value_49() { return 49; }

int value_50() { return 50; }
int value_51() { return 51; }

int value_52() { return 52; }
int value_53() { return 53; }

int value_54() { return 54; }
int value_55() { return 55; }

int value_56() { return 56; }
int value_57() { return 57; }

int value_58() { return 58; }
int value_59() { return 59; }

int value_60() { return 60; }
int value_61() { return 61; }

int value_62() { return 62; }
int value_63() { return 63; }

int value_64() { return 64; }
int value_65() { return 65; }

int value_66() { return 66; }
int value_67() { return 67; }

int value_68() { return 68; }
int value_69() { return 69; }

int value_70() { return 70; }
int value_71() { return 71; }

int value_72() { return 72; }
int value_73() { return 73; }

int value_74() { return 74; }
int value_75() { return 75; }

int value_76() { return 76; }
int value_77() { return 77; }

int value_78() { return 78; }
int value_79() { return 79; }

int value_80() { return 80; }
int value_81() { return 81; }

int value_82() { return 82; }
int value_83() { return 83; }

int value_84() { return 84; }
int value_85() { return 85; }

int value_86() { return 86; }
int value_87() { return 87; }

int value_88() { return 88; }
int value_89() { return 89; }

int value_90() { return 90; }
int value_91() { return 91; }

int value_92() { return 92; }
int value_93() { return 93; }

int value_94() { return 94; }
int value_95() { return 95; }

int value_96() { return 96; }
int value_97() { return 97; }

int value_98() { return 98; }
int value_99() { return 99; }

int filler_153() { return 153; }
int filler_154() { return 154; }
int filler_155() { return 155; }
int filler_156() { return 156; }
int filler_157() { return 157; }
int filler_158() { return 158; }
int filler_159() { return 159; }
int filler_160() { return 160; }
int filler_161() { return 161; }
int filler_162() { return 162; }
int filler_163() { return 163; }
int filler_164() { return 164; }
int filler_165() { return 165; }
int filler_166() { return 166; }
int filler_167() { return 167; }
int filler_168() { return 168; }
int filler_169() { return 169; }
int filler_170() { return 170; }
int filler_171() { return 171; }
int filler_172() { return 172; }
int filler_173() { return 173; }
int filler_174() { return 174; }
int filler_175() { return 175; }
int filler_176() { return 176; }
int filler_177() { return 177; }
int filler_178() { return 178; }
int filler_179() { return 179; }
int filler_180() { return 180; }
int filler_181() { return 181; }
int filler_182() { return 182; }
int filler_183() { return 183; }
int filler_184() { return 184; }
int filler_185() { return 185; }
int filler_186() { return 186; }
int filler_187() { return 187; }
int filler_188() { return 188; }
int filler_189() { return 189; }
int filler_190() { return 190; }
int filler_191() { return 191; }
int filler_192() { return 192; }
int filler_193() { return 193; }
int filler_194() { return 194; }
int filler_195() { return 195; }
int filler_196() { return 196; }
int filler_197() { return 197; }
int filler_198() { return 198; }
int filler_199() { return 199; }
int filler_200() { return 200; }
int filler_201() { return 201; }
int filler_202() { return 202; }
int filler_203() { return 203; }
int filler_204() { return 204; }
int filler_205() { return 205; }
int filler_206() { return 206; }
int filler_207() { return 207; }
int filler_208() { return 208; }
int filler_209() { return 209; }
int filler_210() { return 210; }
int filler_211() { return 211; }
int filler_212() { return 212; }
int filler_213() { return 213; }
int filler_214() { return 214; }
int filler_215() { return 215; }
int filler_216() { return 216; }
int filler_217() { return 217; }
int filler_218() { return 218; }
int filler_219() { return 219; }
int filler_220() { return 220; }
int filler_221() { return 221; }
int filler_222() { return 222; }
int filler_223() { return 223; }
int filler_224() { return 224; }
int filler_225() { return 225; }
int filler_226() { return 226; }
int filler_227() { return 227; }
int filler_228() { return 228; }
int filler_229() { return 229; }
int filler_230() { return 230; }
int filler_231() { return 231; }
int filler_232() { return 232; }
int filler_233() { return 233; }
int filler_234() { return 234; }
int filler_235() { return 235; }
int filler_236() { return 236; }
int filler_237() { return 237; }
int filler_238() { return 238; }
int filler_239() { return 239; }
int filler_240() { return 240; }
int filler_241() { return 241; }
int filler_242() { return 242; }
int filler_243() { return 243; }
int filler_244() { return 244; }
int filler_245() { return 245; }
int filler_246() { return 246; }
int filler_247() { return 247; }
int filler_248() { return 248; }
int filler_249() { return 249; }
int filler_250() { return 250; }
int filler_251() { return 251; }
int filler_252() { return 252; }
int filler_253() { return 253; }
int filler_254() { return 254; }
int filler_255() { return 255; }
int filler_256() { return 256; }
int filler_257() { return 257; }
int filler_258() { return 258; }
int filler_259() { return 259; }
int filler_260() { return 260; }
int filler_261() { return 261; }
int filler_262() { return 262; }
int filler_263() { return 263; }
int filler_264() { return 264; }
int filler_265() { return 265; }
int filler_266() { return 266; }
int filler_267() { return 267; }
int filler_268() { return 268; }
int filler_269() { return 269; }
int filler_270() { return 270; }
int filler_271() { return 271; }
int filler_272() { return 272; }
int filler_273() { return 273; }
int filler_274() { return 274; }
int filler_275() { return 275; }
int filler_276() { return 276; }
int filler_277() { return 277; }
int filler_278() { return 278; }
int filler_279() { return 279; }
int filler_280() { return 280; }
int filler_281() { return 281; }
int filler_282() { return 282; }
int filler_283() { return 283; }
int filler_284() { return 284; }
int filler_285() { return 285; }
int filler_286() { return 286; }
int filler_287() { return 287; }
int filler_288() { return 288; }
int filler_289() { return 289; }
int filler_290() { return 290; }
int filler_291() { return 291; }
int filler_292() { return 292; }
int filler_293() { return 293; }
int filler_294() { return 294; }
int filler_295() { return 295; }
int filler_296() { return 296; }
int filler_297() { return 297; }
int filler_298() { return 298; }
int filler_299() { return 299; }
int filler_300() { return 300; }
int filler_301() { return 301; }
int filler_302() { return 302; }
int filler_303() { return 303; }
}  // namespace fixture
