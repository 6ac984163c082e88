package templates

import (
	"strings"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/rules/routing"
)

// commandHelp is how a cheat sheet writes each command staff may send
// (SPEC 7.1): how it is used, its Vietnamese alias, and what it does. The
// keys are the actions' names (lifecycle.Action); a notice lists the ones
// its reader can use in the report's state (Notice.Usable).
var commandHelp = map[string]struct{ usage, alias, what string }{
	"accept":            {"/accept", "/tiepnhan", "tiếp nhận, chuyển cơ quan được đề xuất"},
	"assign":            {"/assign MÃ [MÃ …]", "/chuyen", "chuyển cơ quan xử lý có mã (hoặc tên) MÃ; các mã sau: cơ quan phối hợp"},
	"reject":            {"/reject lý do", "/tuchoi", "từ chối; lý do được gửi cho người phản ánh"},
	"call-failed":       {"/call-failed [ghi chú]", "/goikhongduoc", "gọi điện xác minh không được"},
	"return":            {"/return lý do", "/tralai", "trả lại phản ánh không thuộc thẩm quyền; ghi đủ «Nguyên nhân:», «Căn cứ:», «Đề xuất:»"},
	"resolve":           {"/resolve kết quả", "/ketqua", "báo cáo kết quả xử lý; văn bản, hình ảnh gửi kèm thư"},
	"extend":            {"/extend [số ngày làm việc] căn cứ", "/giahan", "đề nghị gia hạn vụ việc phức tạp, trước hạn xử lý"},
	"clarify":           {"/clarify nội dung", "/giaitrinh", "giải trình ý kiến của người phản ánh về kết quả"},
	"approve":           {"/approve", "/duyet", "duyệt, gửi thông báo kết quả cho người phản ánh"},
	"sendback":          {"/sendback lý do", "/yeucausua", "yêu cầu cơ quan xử lý bổ sung kết quả"},
	"confirm-extension": {"/confirm-extension [số ngày làm việc]", "/duyetgiahan", "đồng ý gia hạn"},
	"deny-extension":    {"/deny-extension lý do", "/khonggiahan", "không đồng ý gia hạn"},
	"escalate":          {"/escalate ghi chú", "/chuyencap", "chuyển " + escalationBody},
	"urgent":            {"/urgent", "/khancap", "đánh dấu khẩn cấp"},
	"complex":           {"/complex", "/phuctap", "đánh dấu vụ việc phức tạp"},
	"field":             {"/field MÃ", "/linhvuc", "đổi lĩnh vực (mã hoặc tên)"},
	"unit":              {"/unit MÃ", "/diaban", "đổi địa bàn (mã hoặc tên)"},
	"confidential":      {"/confidential", "/baomat", "giữ bí mật người phản ánh"},
	"secret":            {"/secret", "/bimatnhanuoc", "kết quả thuộc bí mật nhà nước: không gửi thư, không công khai"},
	"note":              {"/note nội dung", "/ghichu", "ghi chú"},
	"hold":              {"/hold lý do", "/giulai", "giữ lại dữ liệu quá thời hạn lưu trữ (lưu trữ, tranh chấp)"},
	"release":           {"/release", "/bogiu", "bỏ giữ lại"},
	"status":            {"/status", "/tinhtrang", "tình trạng phản ánh"},
	"help":              {"/help", "/huongdan", "hướng dẫn các lệnh"},
	"report":            {"/report kỳ [năm-tháng]", "/baocao", "báo cáo định kỳ; kỳ: thang, quy, 6thang hoặc nam; tháng cuối kỳ viết như 2026-03"},
	"codes":             {"/codes", "/danhmuc", "danh mục mã lĩnh vực, địa bàn, cơ quan xử lý"},
}

// escalationBody stands in a command's description for the name of the
// body escalated reports go to, which the routing table's edition gives.
const escalationBody = "{escalation}"

// CommandRow is one line of a cheat sheet.
type CommandRow struct{ Usage, Alias, What string }

// cheatsheet writes the lines of a cheat sheet naming the bodies b.
type cheatsheet struct{ b routing.Bodies }

// rows are the cheat sheet's lines of the commands named, in their order;
// names without a line are left out.
func (c cheatsheet) rows(names []string) []CommandRow {
	var out []CommandRow
	for _, n := range names {
		if h, ok := commandHelp[n]; ok {
			out = append(out, CommandRow{h.usage, h.alias, strings.ReplaceAll(h.what, escalationBody, c.b.Escalation)})
		}
	}
	return out
}

// text writes the commands named as plain text in three columns — the
// command, its alias, what it does — each padded to its longest entry, so
// that the columns line up in a fixed-width font.
func (c cheatsheet) text(names []string) string {
	rows := c.rows(names)
	usage, alias := 0, 0
	for _, r := range rows {
		usage, alias = max(usage, width(r.Usage)), max(alias, width(r.Alias))
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Usage + strings.Repeat(" ", usage-width(r.Usage)+2))
		b.WriteString(r.Alias + strings.Repeat(" ", alias-width(r.Alias)+2))
		b.WriteString(r.What + "\n")
	}
	return b.String()
}

// width is how many columns s takes in a fixed-width font: one a rune, the
// text being NFC.
func width(s string) int { return utf8.RuneCountInString(s) }

// codeTable writes directory entries as plain text, one a line: the code
// padded to the longest, then the name and a unit's other names or the
// agencies merged into an agency.
func codeTable(entries []Code) string {
	w := 0
	for _, e := range entries {
		w = max(w, width(e.Code))
	}
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.Code + strings.Repeat(" ", w-width(e.Code)+2) + e.Name)
		if len(e.Aliases) > 0 {
			b.WriteString(" — còn gọi: " + strings.Join(e.Aliases, ", "))
		}
		if len(e.Absorbed) > 0 {
			b.WriteString(" — đã hợp nhất: " + strings.Join(e.Absorbed, ", "))
		}
		b.WriteString("\n")
	}
	return b.String()
}
