-- Small blobs in the database (store/blobbatch.go): a raw message or a mail
-- sent that fits in one 64 KiB chunk is kept here rather than as a file of
-- the data folder — the same bytes (the blob's header and its one sealed
-- chunk, under the blob's own key, which only its sealed reference holds)
-- under the same name. An erasure deletes the row as it deletes a file.

CREATE TABLE blob_data (
	name TEXT PRIMARY KEY,
	data BLOB NOT NULL
) STRICT;
