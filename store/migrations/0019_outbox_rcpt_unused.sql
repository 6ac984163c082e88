-- The index of the outbox's recipients by their keyed hash and time
-- served the hourly caps on automatic replies until migration 0013 counted
-- them by outbox_rcpt_cap; no query has searched it since, yet every mail
-- queued added to it (a keyed hash, so at a random place of the index, in
-- a page of its own each time). The column rcpt_idx stays, written as
-- before, for an erasure to empty.
DROP INDEX outbox_rcpt;
