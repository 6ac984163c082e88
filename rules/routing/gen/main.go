// Command gen writes the routing table of an administrative reorganisation
// from data: the official mapping of old units to new ones, the new
// agencies, and the rules of the table before it.
//
// Usage:
//
//	go run ./rules/routing/gen -sources DIR -o FILE
//
// DIR holds two files:
//
//   - units.tsv, the official mapping as the conversion workbook publishes
//     it: one row per new unit, tab-separated, with a header row —
//     new_code (the state's code of the new unit), new_name ("Phường Vị
//     Thanh"), new_type ("Phường", "Xã"), old_names (the old units that
//     went into it, "; "-separated, each with its former district in
//     parentheses: "Phường I (Thành phố Vị Thanh)") and old_codes (their
//     state codes, ";"-separated, in the same order);
//   - edition.toml: the edition's name, the base table whose rules carry
//     over, the Center, the People's Committees' naming, the agencies with
//     the base table's agencies each takes over, and aliases the mapping
//     cannot tell (see sources/2025/edition.toml).
//
// The table it writes has one unit per new unit, with its People's
// Committee; one former unit per old unit, leading to its new unit; one
// former unit per former district, which names no unit; the base table's
// former units, carried over to the unit they are part of now; and the base
// table's rules with their agencies mapped. Every name gets the aliases
// citizens type: with its type word, abbreviated ("P. Vị Tân", "TT Cây
// Dương", "X. Hỏa Tiến", "P.1" for Phường I), the type word after it as
// English writes it ("Vị Tân Ward", "Hỏa Tiến Commune", "Ward 1"), and the
// new units, the old towns and the former districts without it. A name that two units could
// mean is no alias of either, with two exceptions: a unit's own name with
// its type word means that unit even where an old unit of the same name went
// elsewhere ("xã Vị Thủy" today is the new commune), and a name of old units
// that all went into one unit is that unit's. Without its type word, a new
// unit's name is an alias only where no old unit and no former district of
// another unit had it ("Vị Thanh" alone is ambiguous). The file records, in
// comments, every name it left out and why, and lists each name left out
// because several units could mean it as [[ambiguous]], with those units:
// routing names them to the receiver of a report that writes the name.
//
// The 2025 table is made with go generate in package routing; the tests of
// this command check that the committed file is what its sources make.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	sources := flag.String("sources", "", "the `DIR` of units.tsv and edition.toml")
	out := flag.String("o", "", "the table `FILE` to write")
	flag.Parse()
	if *sources == "" || *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: gen -sources DIR -o FILE")
		os.Exit(2)
	}
	data, err := Generate(*sources)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "gen: %v\n", err)
		os.Exit(1)
	}
}
