package routing

import (
	"slices"
	"strings"

	"haugiang.gov.vn/phananh/rules/fold"
)

// An Entry is an agency, a field or a unit of the table, as the answer to
// /codes and a refusal list it.
type Entry struct{ Code, Name string }

// Found is what a text that a command gives for an agency, a field or a
// unit names in the table (SPEC 7.1).
type Found struct {
	// Code is the entry the text names, "" when it names none or several.
	Code string
	// Several is set when the text names more than one entry.
	Several bool
	// Candidates are, when Code is "", the entries the text names (when
	// Several) or may have meant, best first, at most MaxCandidates.
	Candidates []Entry
	// Absorbed is, for an agency, the name of the abolished agency the
	// text named, which a reorganisation merged into Code (Agency.Absorbed);
	// "" when the text names Code itself.
	Absorbed string
}

// MaxCandidates is the most entries Found lists.
const MaxCandidates = 5

// FindAgency finds the agency a text names: its code, or its name, whole
// or a run of its words, with or without diacritics ("so-xd", "Sở Xây
// dựng", "so xay dung", "điện lực"); else the name of an agency merged into
// it ("Sở Giao thông vận tải", "Sở GTVT" in the 2025 table), and then
// Found.Absorbed is that name. A text that could be an agency's own name
// means that agency, whatever it absorbed.
func (t *Table) FindAgency(s string) Found {
	var own, all []named
	for _, a := range t.agencies {
		n := named{Entry{a.Code, a.Name}, []string{a.Code, a.Name}}
		own = append(own, n)
		n.names = append(slices.Clip(n.names), a.Absorbed...)
		all = append(all, n)
	}
	if f := find(own, s); f.Code != "" || f.Several {
		return f
	}
	f := find(all, s)
	if a, ok := t.Agency(f.Code); ok {
		for _, name := range a.Absorbed {
			if find([]named{{Entry{a.Code, name}, []string{name}}}, s).Code != "" {
				f.Absorbed = name
				break
			}
		}
	}
	return f
}

// FindField finds the field a text names: its code, its name or a
// comma-separated part of its name, in Vietnamese or in English, whole or
// a run of its words, with or without diacritics.
func (t *Table) FindField(s string) Found {
	var names []named
	for _, f := range t.fields {
		n := named{Entry{f.Code, f.Name}, []string{f.Code}}
		for _, name := range []string{f.Name, f.English} {
			if name == "" {
				continue
			}
			n.names = append(n.names, name)
			for _, part := range strings.Split(name, ",") {
				n.names = append(n.names, strings.TrimSpace(part))
			}
		}
		names = append(names, n)
	}
	return find(names, s)
}

// FindUnit finds the administrative unit a text names: its code, its name
// or an alias, or an alias of a former unit that became it ("xã Hỏa
// Tiến", now part of xã Hỏa Lựu, as routing reads it), whole or a run of
// its words, with or without diacritics.
func (t *Table) FindUnit(s string) Found {
	var names []named
	at := map[string]int{}
	for _, u := range t.units {
		at[u.Code] = len(names)
		names = append(names, named{Entry{u.Code, u.Name}, append([]string{u.Code, u.Name}, u.Aliases...)})
	}
	for _, f := range t.formers {
		if i, ok := at[f.Became]; ok {
			names[i].names = append(names[i].names, f.Aliases...)
		}
	}
	return find(names, s)
}

// named is an entry and the texts that name it.
type named struct {
	entry Entry
	names []string
}

// find finds the entry a text names. Texts are compared word by word as
// routing compares them (words): exactly when the text has diacritics,
// folded when it has none. A text that is a whole name of one entry names
// it; else a text that ends one entry's name ("huyện Châu Thành" ends
// "Ủy ban nhân dân huyện Châu Thành", not "… huyện Châu Thành A"); else a
// text that is a run of the words of one entry's names ("điện lực"); else
// it names nothing, and the candidates are the entries sharing most of its
// words or spelt closest to it (a typing mistake). The text is tried as
// written and with its abbreviations written out ("UBND TP. Vị Thanh",
// see expand), the names as the table writes them.
func find(entries []named, s string) Found {
	plain := fold.Plain(s)
	q := lookupWords(s, plain)
	if len(q) == 0 {
		return Found{}
	}
	queries := [][]string{q}
	if x := expand(q); !slices.Equal(x, q) {
		queries = append(queries, foldIf(x, plain))
	}
	for _, match := range []func(q, name []string) bool{slices.Equal[[]string], endsWith, containsRun} {
		var hits []Entry
		for _, e := range entries {
			if slices.ContainsFunc(e.names, func(n string) bool {
				name := lookupWords(n, plain)
				return slices.ContainsFunc(queries, func(q []string) bool { return match(q, name) })
			}) {
				hits = append(hits, e.entry)
			}
		}
		switch {
		case len(hits) == 1:
			return Found{Code: hits[0].Code}
		case len(hits) > 1:
			return Found{Several: true, Candidates: hits[:min(len(hits), MaxCandidates)]}
		}
	}
	return Found{Candidates: closest(entries, queries[len(queries)-1])}
}

// lookupWords are the words of s as find compares them: folded when plain.
func lookupWords(s string, plain bool) []string {
	return foldIf(words(s), plain)
}

func foldIf(ws []string, plain bool) []string {
	if plain {
		for i, w := range ws {
			ws[i] = fold.String(w)
		}
	}
	return ws
}

// abbreviations are the short forms that Vietnamese administrative
// writing uses for the words of agency and unit names ("UBND huyện Vị
// Thủy", "UBND TP. Vị Thanh", "Sở GTVT", "Sở TN&MT", "H. Châu Thành"),
// keyed by their letters folded and run together: "TN&MT", "TN-MT" and
// "TNMT" are all "tnmt".
var abbreviations = map[string]string{
	"ubnd": "ủy ban nhân dân", "hdnd": "hội đồng nhân dân", "vp": "văn phòng",
	"tp": "thành phố", "tx": "thị xã", "h": "huyện", "x": "xã", "p": "phường",
	"ca": "công an", "cty": "công ty", "xd": "xây dựng", "yt": "y tế", "nv": "nội vụ",
	"gtvt": "giao thông vận tải", "tnmt": "tài nguyên và môi trường", "gddt": "giáo dục và đào tạo",
	"khcn": "khoa học và công nghệ", "vhttdl": "văn hóa thể thao và du lịch", "tttt": "thông tin và truyền thông",
	"ldtbxh": "lao động thương binh và xã hội", "nnptnt": "nông nghiệp và phát triển nông thôn",
	"nnmt": "nông nghiệp và môi trường", "khdt": "kế hoạch và đầu tư",
}

// expand writes out the abbreviations among ws: a run of up to four words
// written without diacritics (but "đ": "GD&ĐT") whose letters, run
// together, are one of abbreviations, the longest such run first.
func expand(ws []string) []string {
	var out []string
	for i := 0; i < len(ws); {
		n, full, joined := 0, "", ""
		for j := i; j < len(ws) && j < i+4 && abbreviated(ws[j]); j++ {
			joined += fold.String(ws[j])
			if f, ok := abbreviations[joined]; ok {
				n, full = j-i+1, f
			}
		}
		if n == 0 {
			out = append(out, ws[i])
			i++
			continue
		}
		out = append(out, words(full)...)
		i += n
	}
	return out
}

// abbreviated reports a word that can be part of an abbreviation: short,
// of letters without diacritics but "đ".
func abbreviated(w string) bool {
	if len(w) > 8 {
		return false
	}
	for _, r := range w {
		if (r < 'a' || r > 'z') && r != 'đ' {
			return false
		}
	}
	return true
}

// endsWith reports whether q is the last words of name.
func endsWith(q, name []string) bool {
	return len(q) <= len(name) && slices.Equal(q, name[len(name)-len(q):])
}

// containsRun reports whether q is a run of consecutive words of name.
func containsRun(q, name []string) bool {
	for i := 0; i+len(q) <= len(name); i++ {
		if slices.Equal(q, name[i:i+len(q)]) {
			return true
		}
	}
	return false
}

// closest returns the entries a text that names none may have meant: those
// spelt within a few letters of one of their names (a typing mistake, or
// marks written wrong), compared folded, closest first; failing those, the
// entries sharing most of its words of three letters or more.
func closest(entries []named, q []string) []Entry {
	fq := foldAll(q)
	joined := strings.Join(fq, " ")
	type scored struct {
		e             Entry
		shared, spelt int
	}
	var all []scored
	for _, e := range entries {
		best := scored{e: e.entry, spelt: len(joined) + 1}
		for _, n := range e.names {
			fn := foldAll(words(n))
			shared := 0
			for _, w := range fq {
				if len(w) >= 3 && slices.Contains(fn, w) { // "sở", "xã" say little
					shared++
				}
			}
			best.shared = max(best.shared, shared)
			best.spelt = min(best.spelt, distance(joined, strings.Join(fn, " ")))
		}
		all = append(all, best)
	}
	near := max(1, len(joined)/4)
	keep := func(s scored) bool { return s.spelt <= near }
	if !slices.ContainsFunc(all, keep) {
		most := 0
		for _, s := range all {
			most = max(most, s.shared)
		}
		keep = func(s scored) bool { return most > 0 && s.shared == most }
	}
	var out []scored
	for _, s := range all {
		if keep(s) {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b scored) int { return a.spelt - b.spelt })
	var found []Entry
	for _, s := range out[:min(len(out), MaxCandidates)] {
		found = append(found, s.e)
	}
	return found
}

func foldAll(ws []string) []string {
	out := make([]string, len(ws))
	for i, w := range ws {
		out[i] = fold.String(w)
	}
	return out
}

// distance is the Levenshtein distance between a and b, in bytes (the
// texts are folded to ASCII).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
