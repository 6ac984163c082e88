package store

import "testing"

// BenchmarkIndexOf computes the lookup HMAC of an email address, as the
// writer does several times a report.
func BenchmarkIndexOf(b *testing.B) {
	k, err := deriveKeys(testKey)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		k.indexOf(IndexEmail, "Nguyen.Van.An@Example.com")
	}
}
