package command

import (
	"regexp"
	"slices"
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
)

// noticeHeadings open our notices to staff, folded and without
// punctuation: the first line of the text part, the heading of the HTML
// part (the same words), alone on its line or followed by "– KHẨN CẤP".
var noticeHeadings = []string{
	"phan anh moi can tiep nhan", "phan anh chuyen den co quan xu ly", "phan anh chuyen den co quan phoi hop xu ly",
	"co quan xu ly tra lai phan anh", "ket qua xu ly cho duyet", "ket qua xu ly da duoc duyet",
	"trung tam yeu cau bo sung ket qua xu ly", "de nghi gia han xu ly", "trung tam dong y gia han xu ly",
	"trung tam khong dong y gia han", "phan anh khan cap", "ghi chu ve phan anh", "y kien cua nguoi phan anh ve ket qua xu ly",
	"nguoi phan anh bo sung thong tin", "thu bo sung thong tin chua xac thuc nguoi gui", "de nghi giu bi mat danh tinh chua xac thuc nguoi gui",
	"nguoi phan anh danh gia ket qua xu ly", "nhac han", "qua han", "tinh trang phan anh", "danh muc ma",
	"lenh khong duoc thuc hien", "thu gui lenh khong duoc thuc hien", "bao cao dinh ky",
	"ket qua tiep nhan xu ly phan anh hien truong", "he thong khong xu ly duoc mot thu gui den hop thu phan anh",
}

// noticeOpenings open our notices whose first line goes on with what
// changes: the body a report is escalated to, the commands applied, the
// reader's role, the period reported, the mail that bounced.
var noticeOpenings = []string{
	"phan anh chuyen so ", "phan anh da chuyen so ", "da thuc hien lenh ", "huong dan cac lenh ",
	"bao cao thang ", "bao cao quy ", "bao cao 6 thang ", "bao cao nam ", "bao cao ngay ",
	"thu gui nguoi phan anh cua phan anh pa ", "day la thu kiem tra do lenh phananh check ",
}

// noticeCode is a report's code as our notices write it.
var noticeCode = regexp.MustCompile(`^PA-\d{4}-\d{6}$`)

// noticeStart returns the line at which one of our notices starts when a
// reply carries it under the operator's lines with no sign of quoting (a
// client that top-posts over an unquoted copy, or drops the "> "), or
// len(lines) when none does. It finds the first line that only our
// notices write — the first row of the report's details ("Mã phản ánh:
// PA-…" over "Tình trạng:" or "Thời gian tiếp nhận:"), the lines that
// open the cheat sheet and a confirmation's list of the commands done (a
// reply with no command of its own must not take them for its first), the
// line that closes every notice — and the
// notice starts at the first heading of one of our notices above it (the
// notice's own first line: a heading is a line of its own, word for word),
// else at that line — for the details' first row under a command, only
// when the rest of a notice follows (copyBelow). It never starts at or
// above the operator's first command line.
func noticeStart(lines []string) int {
	first := -1
	for i, l := range lines {
		if first < 0 && isCommandLine(l) {
			first = i
		}
		if i <= first || !noticeMark(lines, i) {
			continue
		}
		for j := first + 1; j < i; j++ {
			if noticeHeading(lines[j]) {
				return j
			}
		}
		if first >= 0 && detailsRow(lines[i]) && !copyBelow(lines[i+1:]) {
			continue // the operator's words name a report, as /status shows one
		}
		return i
	}
	return len(lines)
}

// detailsRow reports the first row of a report's details ("Mã phản ánh:
// PA-…"), which an operator may write too: naming another report in a
// result or a note, as the /status answer shows it.
func detailsRow(line string) bool {
	return strings.HasPrefix(strings.Trim(line, " *_"), "Mã phản ánh")
}

// copyBelow reports whether lines hold a line that only a copy of our
// notice writes besides the report's details: the cheat sheet's opening
// line, the line over a confirmation's list, or the footer every notice
// ends with. Under an operator's command, the details' rows without a
// notice heading above them end the command's text only then.
func copyBelow(lines []string) bool {
	for i, l := range lines {
		if !detailsRow(l) && noticeMark(lines, i) {
			return true
		}
	}
	return false
}

// noticeClosing is the line that closes every notice of ours (the
// templates' footer).
const noticeClosing = "Thư này được gửi tự động từ hệ thống tiếp nhận phản ánh hiện trường."

// noticeMark reports a line at i that only our notices write, as they
// write it (a client's conversion of the HTML part to text keeps it).
func noticeMark(lines []string, i int) bool {
	t := strings.Trim(lines[i], " *_")
	switch {
	case strings.HasPrefix(t, "Trả lời thư này, mỗi lệnh một dòng ở đầu thư"),
		t == noticeClosing:
		return true
	case t == "Các lệnh sau đã được thực hiện, theo thứ tự:":
		// Over a confirmation's list, whose first item is a command; an
		// operator's result may list the steps done under the same words.
		return nextIsCommand(lines[i+1:])
	case !strings.HasPrefix(t, "Mã phản ánh"):
		return false
	}
	if rest := strings.Trim(strings.TrimPrefix(t, "Mã phản ánh"), " :*_"); rest != "" && !noticeCode.MatchString(rest) {
		return false
	}
	n := 0
	for _, l := range lines[i+1:] {
		l = strings.Trim(l, " *_")
		if l == "" {
			continue
		}
		if strings.HasPrefix(l, "Tình trạng") || strings.HasPrefix(l, "Thời gian tiếp nhận") {
			return true
		}
		if n++; n == 2 { // the code on a line of its own, then the row
			return false
		}
	}
	return false
}

// noticeHeading reports a line that is the heading of one of our notices.
func noticeHeading(line string) bool {
	f := folded(line)
	if slices.Contains(noticeHeadings, f) || slices.Contains(noticeHeadings, strings.TrimSuffix(f, " khan cap")) {
		return true
	}
	for _, o := range noticeOpenings {
		if strings.HasPrefix(f, o) {
			return true
		}
	}
	return false
}

// folded is a line folded, its words apart by one space, without
// punctuation.
func folded(line string) string {
	return strings.Join(strings.FieldsFunc(fold.String(line), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// nextIsCommand reports whether the first line of lines that is not blank
// is a command line.
func nextIsCommand(lines []string) bool {
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			return isCommandLine(l)
		}
	}
	return false
}
