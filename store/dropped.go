package store

// dropBlob records that the blob of ref, written for an erased report (a
// mail's bytes archived while another process erased its report, a file
// or a message received about it), is named by no row: seal keeps no
// reference to it (rowKey.keepsNothing). It is freed once the transaction
// commits (freeDropped). A reference that names no blob is left alone.
func (t *Tx) dropBlob(ref string) {
	if r, err := parseRef(ref); err == nil && t.writable {
		t.dropped = append(t.dropped, r)
	}
}

// freeDropped frees the blobs that the committed transactions of req
// dropped, after the writer's commit, as EraseStrays frees its blobs: each
// only when its place holds it (Blobs.freeable). A blob that cannot be
// freed (an I/O error) is left: no row names it, and its key, which only
// its reference held, is gone with the transaction's memory; the orphan
// sweep removes its file, or its pack once no row names a blob of it.
func (db *DB) freeDropped(req *writeReq) {
	for i, blobs := range req.dropped {
		if req.errs[i] != nil {
			continue // rolled back: run again, or given up, with its blob
		}
		for _, r := range blobs {
			if !db.blobs.freeable(r) {
				continue
			}
			db.blobs.free(r.place()) // on failure, left to SweepOrphans
		}
	}
}
