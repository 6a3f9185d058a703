#include "core/wire.hpp"

#include <gtest/gtest.h>

#include "core/random.hpp"

using namespace core;

namespace {

WireReport sample_final_report() {
    ArbbReport r;
    r.kind = ReportKind::final;
    r.pec = 1001;
    r.box = BoxKind::party_list;
    r.device_id = "1001-arbb-1";
    r.at = at(20, 1);
    r.option_counts = {5, 300, 200};
    r.preference_counts = {{100, 20, 0}, {50}};
    r.valid = 505;
    r.invalid = 12;
    r.invalid_by_reason = {3, 4, 5, 0, 0, 0, 0};
    r.ballots_scanned = 517;
    r.ballots_in_box = 517;
    r.figures = {1000, 520, 520};
    r.printed = true;
    return {{"kg2021", 1001, "1001-arbb-1", 2, at(20, 2)}, r};
}

std::vector<std::uint8_t> signed_sample(const WireReport& w) {
    return encode_signed_report(w, derive_device_keys(1, w.header.device_id).secret_key);
}

}  // namespace

TEST(Wire, SignedReportRoundTripsAndItsSignatureVerifies) {
    const auto w = sample_final_report();
    const auto bytes = signed_sample(w);
    auto env = open_envelope(bytes);
    ASSERT_TRUE(env) << env.error().message;
    EXPECT_TRUE(verify_detached(derive_device_keys(1, "1001-arbb-1").public_key, env->body, env->signature));
    EXPECT_FALSE(verify_detached(derive_device_keys(2, "1001-arbb-1").public_key, env->body, env->signature));
    auto back = decode_body(env->body);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(back->header, w.header);
    EXPECT_EQ(std::get<ArbbReport>(back->payload), std::get<ArbbReport>(w.payload));
    EXPECT_EQ(bytes, signed_sample(w));  // deterministic bytes
}

TEST(Wire, ChangingOneBodyByteBreaksTheSignature) {
    auto env = open_envelope(signed_sample(sample_final_report()));
    ASSERT_TRUE(env);
    const auto key = derive_device_keys(1, "1001-arbb-1").public_key;
    for (std::size_t i = 0; i < env->body.size(); ++i) {
        auto body = env->body;
        body[i] ^= 0x01;
        EXPECT_FALSE(verify_detached(key, body, env->signature)) << "byte " << i;
    }
}

TEST(Wire, EveryTruncationIsRejectedWithoutCrashing) {
    const auto bytes = signed_sample(sample_final_report());
    for (std::size_t n = 0; n < bytes.size(); ++n) {
        std::span<const std::uint8_t> prefix(bytes.data(), n);
        auto env = open_envelope(prefix);
        if (!env) continue;  // most prefixes fail here
        // A prefix that still parses as an envelope cannot carry the full body and signature.
        auto body = decode_body(env->body);
        const bool intact = body && env->body.size() == open_envelope(bytes)->body.size() &&
                            env->signature == open_envelope(bytes)->signature;
        EXPECT_FALSE(intact) << "prefix of " << n << " bytes looks whole";
    }
}

TEST(Wire, RandomGarbageIsRejectedWithASpecificCode) {
    RandomStream rng(2021, 7);
    int rejected = 0;
    for (int i = 0; i < 2000; ++i) {
        std::vector<std::uint8_t> junk(1 + rng.below(300));
        for (auto& b : junk) b = static_cast<std::uint8_t>(rng.next_u64());
        auto env = open_envelope(junk);
        if (!env) {
            ++rejected;
            EXPECT_FALSE(env.error().message.empty());
            continue;
        }
        auto body = decode_body(env->body);
        if (!body) ++rejected;
    }
    EXPECT_EQ(rejected, 2000);
}

TEST(Wire, OutOfRangeFieldsAreNamed) {
    auto expect_field_error = [](WireReport w, std::string_view field) {
        auto body = decode_body(encode_body(w));
        ASSERT_FALSE(body);
        EXPECT_EQ(body.error().code, WireErrorCode::invalid_field);
        EXPECT_NE(body.error().message.find(field), std::string::npos) << body.error().message;
    };
    auto w = sample_final_report();
    w.header.sequence = 0;
    expect_field_error(w, "sequence");
    w = sample_final_report();
    w.header.pec = 12;
    expect_field_error(w, "pec");
    w = sample_final_report();
    std::get<ArbbReport>(w.payload).valid = -1;
    expect_field_error(w, "arbb.valid");
    w = sample_final_report();
    std::get<ArbbReport>(w.payload).option_counts[1] = -3;
    expect_field_error(w, "arbb.option_counts");
    w = sample_final_report();
    std::get<ArbbReport>(w.payload).box = BoxKind::district;
    expect_field_error(w, "preference_counts");
    w = sample_final_report();
    w.header.election.clear();
    expect_field_error(w, "election");
    w = sample_final_report();
    w.header.device_id = "1001-arbb-\x01";
    expect_field_error(w, "device_id");
}

TEST(Wire, OtherVersionsAndSignatureSizesAreRefused) {
    // SignedReport{wire_version: 2, body: "x", signature: 64 bytes} written by hand.
    std::vector<std::uint8_t> v2{0x08, 0x02, 0x12, 0x01, 'x', 0x1a, 64};
    v2.resize(v2.size() + 64, 0xab);
    auto env = open_envelope(v2);
    ASSERT_FALSE(env);
    EXPECT_EQ(env.error().code, WireErrorCode::unsupported_version);
    std::vector<std::uint8_t> short_sig{0x08, 0x01, 0x12, 0x01, 'x', 0x1a, 3, 1, 2, 3};
    env = open_envelope(short_sig);
    ASSERT_FALSE(env);
    EXPECT_EQ(env.error().code, WireErrorCode::bad_signature_size);
    std::vector<std::uint8_t> huge(kMaxWireMessageBytes + 1, 0);
    EXPECT_EQ(open_envelope(huge).error().code, WireErrorCode::too_large);
    // A body with no report.
    std::vector<std::uint8_t> no_report{0x08, 0x01, 0x12, 0x02, 'k', 'g', 0x18, 0xe9, 0x07, 0x22, 0x01, 'd', 0x28, 0x01};
    auto body = decode_body(no_report);
    ASSERT_FALSE(body);
    EXPECT_EQ(body.error().code, WireErrorCode::missing_report);
}

TEST(Wire, IdentificationReportRoundTrips) {
    IdentificationReport r;
    r.pec = 2040;
    r.device_id = "2040-id-1";
    r.at = at(20, 0);
    r.registered = 1500;
    r.fingerprint = 400;
    r.other_finger = 20;
    r.face = 10;
    r.manual = 5;
    r.refused_already_voted = 2;
    r.ballots_issued = 435;
    r.receipts_not_printed = 3;
    WireReport w{{"kg2021", 2040, "2040-id-1", 3, at(20, 5)}, r};
    auto env = open_envelope(signed_sample(w));
    ASSERT_TRUE(env);
    auto back = decode_body(env->body);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(std::get<IdentificationReport>(back->payload), r);
    r.registered.reset();
    w.payload = r;
    EXPECT_FALSE(std::get<IdentificationReport>(decode_body(encode_body(w))->payload).registered.has_value());
    r.face = -1;
    w.payload = r;
    auto bad = decode_body(encode_body(w));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.error().message.find("identification.face"), std::string::npos);
}

TEST(Ack, RoundTripsAndBrokenAcksAreErrors) {
    const Ack a{AckOutcome::rejected, 6, 42, 7, "bad_signature: no"};
    auto back = decode_ack(encode_ack(a));
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back, a);
    auto bytes = encode_ack(a);
    bytes[0] = 9;
    EXPECT_FALSE(decode_ack(bytes));
    bytes = encode_ack(a);
    bytes.pop_back();
    EXPECT_FALSE(decode_ack(bytes));
}
