# Read by ctest after the discovered GoogleTest cases (TEST_INCLUDE_FILES, tests/CMakeLists.txt):
# the cases that take a second or more get the label `slow`, so `ctest -LE slow` is a quick loop.
# Add a case here when it grows slow (house style: slow tests carry the label).
set(shailoo_slow_tests
  HilInAWholeCountryRun.AVirtualImageReaderAtOneDeskIdentifiesThatPecsVotersAndNoOtherPecChanges
  ImpairedLink.ARateLimitedLinkDeliversEveryReportOnce
  ImpairedLink.ALinkThatLosesAFifthOfItsPacketsDeliversEveryReportOnce
  ImpairedLink.ALinkDownAtTheSendIsWaitedForAndEveryReportGoesOnceItIsUp
  ImpairedLink.ADelayedLinkWithJitterDeliversEveryReportOnce
  SweepCli.ShardsMergedEqualTheSingleMachineSweepByteForByte
  InputFuzz.BrokenPackageFilesGetClearErrors
  InputFuzz.BrokenScenariosGetClearErrors
  InputFuzz.BrokenRateProfilesGetClearErrors
  InputFuzz.BrokenResultsFilesForLoadGetClearErrors
  LoadChecks.BadReportsMixedInAreExpectedRejectionsAndOnlyTheGoodReportsAreStored
  LoadChecks.AGoodReportTheServerRefusesIsAnUnexpectedOutcomeAndExitCode1
  LoadChecks.ASecondLoadIntoTheSameStoreWarnsThatEveryAckWasADuplicate
  LoadChecks.ProgressLinesWithProgressAndNoneWithoutOnAPipe
  LoadChecks.FromAResultsJsonTheResultsPagePublishesTheRunsFigures
  LoadChecks.BrokenFromOrBadInputIsExitCode2NamingFileAndField
  InputFuzz.BrokenVotesTablesGetClearErrors
  ServeCrash.ThirtySigkillsDuringIngestLoseNoAcknowledgedReport
  ServeCrash.TenSigkillsOnPostgresqlLoseNoAcknowledgedReport
  ServeCli.SigtermRightAfterTheStartLineIsACleanStop
  PowerCut.NoAcknowledgedReportIsLostWhereverThePowerGoes
  PowerCut.NoAcknowledgedReportIsLostWhenSomeUnsyncedWritesReachTheDiskAnyway
  PowerCut.WithSynchronousOffTheSameCutsLoseAcknowledgedReports
  Calibration.WholeCountryDayMatchesThe2021Figures
  Console.InjectedFaultChangesTheOutcomeAndReplayReproducesIt
  Console.ScriptedDrillRunsAndTheInjectedFaultReachesTheDevice
  Console.ScreenshotShowsThePanels
  DrillRecordWorld.ReplayGivesTheResultsOfTheLiveSessionAndTheActionsChangeThem
  DrillSession.ReplayingTheRecordReproducesTheSessionsResults
  DrillSession.RegionInjectionIsOneRecordedActionAndItsReplayReproducesTheResults
  DrillSession.TimelineCurveIsFilledAfterAJumpPastVotingClose
  DrillSession.MapLegendCountsEveryPecWithAFaultAsTheSummaryDoes
  DrillRecordWorld.AnActionListingPecsAppliesAtEachOfThem
  DrillScript.MapStepSetsTheViewAndChecksTheRegion
  ConsoleScript.ScreenshotStepsSavePngsOfTheWindowSize
  DrillConsole.InjectFiresAndTheTraineesActionsAreScoredLive
  DrillConsole.RecordNamesTheDrillAndTheInject
  DrillConsole.ScreenshotShowsTheDrillTab
  DrillConsole.ReplayOfTheRecordScoresTheSame
  World.SameSeedGivesIdenticalResultsWhateverTheThreadCount
  FaultEffects.JsonIsTheSameWhateverTheThreadCount
  LoadPlan.EveryReportOfTheNationalFleetPassesTheIngestWithThePackageKeys
  # Each PostgreSQL case starts a throwaway cluster (about a second; tests/central/pg_cluster.hpp).
  # The typed StoreContract/PostgreSQL cases are too, but their discovered names carry the type.
  ServePostgres.TwoServersOnOneDatabaseStoreTheFleetOnceAndPublishTheSamePage
  ServeStandby.APromotedSynchronousStandbyHoldsEveryReportTheKilledPrimaryAcknowledged
  ServePostgres.AnUnreachableDatabaseIsExitCode2InTheServersWords
  PostgresStore.AnUnreachableDatabaseIsAnErrorInTheServersWords
  PostgresStore.CommitsWaitForTheWalFlushWhateverTheDatabaseDefault
  PostgresStore.AServerErrorDuringTheBatchDropsItWithTheServersWords
  PostgresStore.ALostConnectionDropsTheBatchAndTheNextCommitReconnects
  PostgresStore.WithoutAmcheckTheIntegrityCheckSaysItDidNotCheck
  PostgresStore.AnotherSchemaVersionIsStoreCorrupt
  PostgresStore.AReaderWhoseConnectionWasCutReconnectsAtTheNextRead
  PostgresStore.AnIngestThatCannotAskTheStoreAnswersRetryNotARejection
  # Drills (tests/drill/drills_test.cpp, tests/classroom/): each runs Talas's day once or more.
  DrillConduct.AConditionalInjectFiresAtTheFirstWholeMinuteItsConditionHolds
  DrillScore.MeasuresFollowTheRulesOfTheFile
  DrillReview.TheReplayedRecordScoresAsTheSessionDidAndTheReferenceIsTheModelAnswer
  DrillReview.TheSameRecordGivesTheSameReviewWhateverTheThreadCount
  ClassroomDrill.AClassroomSessionOfADrillReplaysToTheSameScoresInTheReview
  ShippedDrills.InEachAGoodResponseScoresHigherAndCostsLessThanAPoorOne
  ShippedDrills.InEachTheModelAnswerEarnsEveryPointAndEveryActionOfItIsAccepted)

# ctest's script mode cannot read a property back, so the end-to-end cases name both labels.
set_tests_properties(${shailoo_slow_tests} PROPERTIES LABELS slow)
set_tests_properties(ResultsPage.ChromiumShowsExactlyTheStoredResults
                     ResultsPage.AWrongFigureInThePublishedDocumentIsCaught PROPERTIES LABELS "e2e;slow")
# The DevTools driver's cases start a Chromium each under ctest (one process per case): 2-6 s.
set_tests_properties(CdpDriver.EvaluateReturnsValuesAsJson
                     CdpDriver.TwoPagesAtOnceTypeAndClickIndependently
                     CdpDriver.TwoTraineesGetTheirAnswersOverAWebSocket
                     CdpDriver.WaitForSeesAChangeATimerMakesLater
                     CdpDriver.AnExceptionInThePageIsAnErrorWithItsText
                     CdpDriver.AWaitThatNeverComesTrueFailsInItsTimeNamingTheCondition
                     CdpDriver.OpeningAPageThatCannotLoadSaysWhy
                     CdpDriverCleanup.TheBrowserLeavesNoProcessBehind
                     ClassroomInChromium.TwoTraineesActFromTheirBrowsersAndTheRecordKeepsTheirActions
                     AfterActionReview.ChromiumDrawsEveryChartAndShowsTheScoresAndTheCounterfactual
                     AfterActionReview.TheGoodResponsePassesEveryMeasureAndNothingIsRefused PROPERTIES LABELS "e2e;slow")
