package store

import "strings"

// sealedTable lists the columns of one table sealed under the data key of
// the report a row belongs to.
type sealedTable struct {
	table  string
	report string // the column naming the row's report ("id" for reports)
	// columns are sealed values; refs are those among them that hold blob
	// references (the blob's file goes with the report's data).
	columns []string
}

// sealedColumns lists every column that holds a report's personal data,
// sealed under its data key (SPEC 10.2, 10.5). A new sealed column of a
// report's rows belongs here: the data-key migration re-seals what an older
// database sealed under the general key, and an erasure empties it.
// TestSealedColumnsListed holds the schema to this list.
var sealedColumns = []sealedTable{
	{"reports", "id", []string{"citizen_email", "citizen_name", "phone", "address", "workplace", "location",
		"incident_time", "declared_field", "subject", "content", "result", "why", "hold"}},
	{"messages", "report_id", []string{"raw"}},
	{"attachments", "report_id", []string{"name", "gps", "blob"}},
	{"events", "report_id", []string{"command", "detail", "actor_address"}},
	{"outbox", "report_id", []string{"rcpt", "thread", "data", "last_error", "attachments", "sent"}},
}

// indexColumns are the keyed hashes (HMAC) of a report's personal data,
// kept for lookups. They open nothing, but they would still tell whether a
// given address or phone number wrote: an erasure empties them too.
var indexColumns = []sealedTable{
	{"reports", "id", []string{"citizen_idx", "phone_idx", "content_idx"}},
	{"messages", "report_id", []string{"message_id_idx", "sender_idx", "sender_cap", "raw_key", "digest_idx"}},
	{"outbox", "report_id", []string{"rcpt_idx", "rcpt_cap"}},
	{"signed_keys", "report_id", []string{"key_idx"}},
}

// notPersonalBlobs are the BLOB columns that hold no report's personal
// data, or hold what must outlive it: the meta table's values, and the
// records of the personal data law's own duties — erasures, the access log
// and data-subject requests — sealed under the general key (the access
// log seals a citizen's own address under the report's key: an erasure
// takes it too).
var notPersonalBlobs = []string{"meta.value", "erasures.reason", "erasures.actor",
	"access_log.os_user", "access_log.reason", "access_log.recipient", "access_log.query", "requests.note"}

// blobColumns hold the small blobs of earlier versions (blobbatch.go): encrypted as
// its files are, each under a key that only its sealed reference holds,
// and deleted with a report's files.
var blobColumns = []string{"blob_data.data"}

func (s sealedTable) list() string { return strings.Join(s.columns, ", ") }
