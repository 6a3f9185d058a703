// Regression (issue 12, point 6): a COMMIT that reached the disk but reported an error (the
// in-doubt commit) was taken as not stored. The ingest then forgot the batch, its senders'
// retransmissions were staged again and collided with the stored rows (UNIQUE(device, sequence)),
// so every later batch holding one of them failed and those PECs were never acknowledged.
#include <gtest/gtest.h>

#include "../central/ingest_fixture.hpp"

using namespace ingest_fixture;

TEST(InDoubtCommit, AStoredBatchWhoseCommitReportedAnErrorIsAcknowledgedNotDropped) {
    Server s("in-doubt");
    const auto report = sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list));
    const auto d = s.ingest.submit(report, "pec-1001", 0);
    ASSERT_EQ(d.outcome, core::AckOutcome::stored) << d.text;
    s.store.fail_after_commit_at(0);
    const auto released = s.ingest.flush(1);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_TRUE(released[0].acknowledged) << released[0].error;
    EXPECT_EQ(s.store.count(), 1);
    // The sender did not get the ack in time and sends again: a duplicate, acknowledged at once.
    const auto again = s.ingest.submit(report, "pec-1001", 2);
    EXPECT_EQ(again.outcome, core::AckOutcome::duplicate) << again.text;
    EXPECT_TRUE(again.acknowledged_now);
    // And the device's next report is stored as usual.
    const auto next = s.ingest.submit(sign(1001, "1001-arbb-1", 2, final_party_list(1001)), "pec-1001", 3);
    EXPECT_EQ(next.outcome, core::AckOutcome::stored) << next.text;
    const auto more = s.ingest.flush(4);
    ASSERT_EQ(more.size(), 1u);
    EXPECT_TRUE(more[0].acknowledged) << more[0].error;
    EXPECT_EQ(s.store.count(), 2);
}

TEST(InDoubtCommit, ACommitThatFailedBeforeTheDiskStillDropsTheBatch) {
    Server s("not-in-doubt");
    ASSERT_EQ(s.ingest.submit(sign(1001, "1001-arbb-1", 1, zero_report(1001, BoxKind::party_list)), "p", 0).outcome,
              core::AckOutcome::stored);
    s.store.fail_at(2);  // BEGIN, insert, then COMMIT fails before anything is written
    const auto released = s.ingest.flush(1);
    ASSERT_EQ(released.size(), 1u);
    EXPECT_FALSE(released[0].acknowledged);
    EXPECT_EQ(s.store.count(), 0);
}
