package command

import (
	"strings"
	"unicode"

	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/lifecycle"
)

// syntax is what a command takes after its name.
type syntax int

const (
	bare       syntax = iota // nothing
	optCode                  // an optional agency code: /accept [CODE]
	needCode                 // a code: /assign CODE, /field CODE, /unit CODE
	needText                 // a text, on the line or below it
	optText                  // a text that may be empty: /call-failed [note], /resolve (attachments may carry the result)
	extendArgs               // [days] grounds
	optDays                  // [days]
	statusArgs               // [PA-YYYY-NNNNNN]
	helpArgs                 // anything: a topic
	reportArgs               // period [YYYY-MM]
)

type spec struct {
	action lifecycle.Action
	syntax syntax
	// what names the argument in refusals: "mã cơ quan xử lý", "lý do", …
	what    string
	example string
}

var specs = map[lifecycle.Action]spec{
	lifecycle.Accept:           {lifecycle.Accept, optCode, "mã hoặc tên cơ quan xử lý", "/accept hoặc /accept so-gtvt"},
	lifecycle.Assign:           {lifecycle.Assign, needCode, "mã hoặc tên cơ quan xử lý", "/assign so-gtvt hoặc /assign Sở Giao thông vận tải"},
	lifecycle.Reject:           {lifecycle.Reject, needText, "lý do từ chối", "/reject Nội dung không thuộc phạm vi phản ánh hiện trường"},
	lifecycle.CallFailed:       {lifecycle.CallFailed, optText, "ghi chú", "/call-failed Gọi 2 lần không bắt máy"},
	lifecycle.Return:           {lifecycle.Return, needText, "nguyên nhân, căn cứ và đề xuất", "/return Nguyên nhân: … Căn cứ: … Đề xuất: …"},
	lifecycle.Resolve:          {lifecycle.Resolve, optText, "kết quả xử lý", "/resolve Đã xử lý xong …"},
	lifecycle.SendBack:         {lifecycle.SendBack, needText, "lý do yêu cầu sửa", "/sendback Kết quả chưa nêu thời gian hoàn thành"},
	lifecycle.Approve:          {lifecycle.Approve, bare, "", "/approve"},
	lifecycle.Extend:           {lifecycle.Extend, extendArgs, "căn cứ và nguyên nhân gia hạn", "/extend 5 Cần khảo sát hiện trường"},
	lifecycle.ConfirmExtension: {lifecycle.ConfirmExtension, optDays, "số ngày gia hạn", "/confirm-extension hoặc /confirm-extension 5"},
	lifecycle.DenyExtension:    {lifecycle.DenyExtension, needText, "lý do không gia hạn", "/deny-extension Không đủ căn cứ"},
	lifecycle.Escalate:         {lifecycle.Escalate, needText, "ghi chú", "/escalate Liên quan nhiều cơ quan, chưa thống nhất"},
	lifecycle.Urgent:           {lifecycle.Urgent, bare, "", "/urgent"},
	lifecycle.Complex:          {lifecycle.Complex, bare, "", "/complex"},
	lifecycle.Field:            {lifecycle.Field, needCode, "mã hoặc tên lĩnh vực", "/field giao-thong"},
	lifecycle.Unit:             {lifecycle.Unit, needCode, "mã hoặc tên đơn vị hành chính", "/unit vi-thanh"},
	lifecycle.Note:             {lifecycle.Note, needText, "nội dung ghi chú", "/note Đã gọi điện xác minh"},
	lifecycle.Confidential:     {lifecycle.Confidential, bare, "", "/confidential"},
	lifecycle.Secret:           {lifecycle.Secret, bare, "", "/secret"},
	lifecycle.Clarify:          {lifecycle.Clarify, needText, "nội dung giải trình", "/clarify Đơn vị xin giải trình …"},
	lifecycle.Status:           {lifecycle.Status, statusArgs, "mã phản ánh", "/status PA-2026-000042"},
	lifecycle.Help:             {lifecycle.Help, helpArgs, "", "/help"},
	lifecycle.Report:           {lifecycle.Report, reportArgs, "kỳ báo cáo", "/baocao thang 2026-11"},
	lifecycle.Codes:            {lifecycle.Codes, helpArgs, "", "/codes"},
	lifecycle.Hold:             {lifecycle.Hold, needText, "lý do giữ lại", "/hold Hồ sơ đang khiếu nại"},
	lifecycle.Release:          {lifecycle.Release, bare, "", "/release"},
}

// names maps a command name, folded (see key), to its action: the English
// names of SPEC 7.1 and the Vietnamese aliases without diacritics, /codes
// and /danhmuc, /linhvuc and /diaban for /field and /unit, and
// /bimatnhanuoc ("bí mật nhà nước", state secret) for /secret.
var names = map[string]lifecycle.Action{
	"accept": lifecycle.Accept, "tiepnhan": lifecycle.Accept,
	"assign": lifecycle.Assign, "chuyen": lifecycle.Assign,
	"reject": lifecycle.Reject, "tuchoi": lifecycle.Reject,
	"callfailed": lifecycle.CallFailed, "goikhongduoc": lifecycle.CallFailed,
	"return": lifecycle.Return, "tralai": lifecycle.Return,
	"resolve": lifecycle.Resolve, "ketqua": lifecycle.Resolve,
	"sendback": lifecycle.SendBack, "yeucausua": lifecycle.SendBack,
	"approve": lifecycle.Approve, "duyet": lifecycle.Approve,
	"extend": lifecycle.Extend, "giahan": lifecycle.Extend,
	"confirmextension": lifecycle.ConfirmExtension, "duyetgiahan": lifecycle.ConfirmExtension,
	"denyextension": lifecycle.DenyExtension, "khonggiahan": lifecycle.DenyExtension,
	"escalate": lifecycle.Escalate, "chuyencap": lifecycle.Escalate,
	"urgent": lifecycle.Urgent, "khancap": lifecycle.Urgent,
	"complex": lifecycle.Complex, "phuctap": lifecycle.Complex,
	"field": lifecycle.Field, "linhvuc": lifecycle.Field,
	"unit": lifecycle.Unit, "diaban": lifecycle.Unit,
	"note": lifecycle.Note, "ghichu": lifecycle.Note,
	"confidential": lifecycle.Confidential, "baomat": lifecycle.Confidential,
	"secret": lifecycle.Secret, "bimatnhanuoc": lifecycle.Secret,
	"clarify": lifecycle.Clarify, "giaitrinh": lifecycle.Clarify,
	"status": lifecycle.Status, "tinhtrang": lifecycle.Status,
	"help": lifecycle.Help, "huongdan": lifecycle.Help,
	"report": lifecycle.Report, "baocao": lifecycle.Report,
	"codes": lifecycle.Codes, "danhmuc": lifecycle.Codes,
	"hold": lifecycle.Hold, "giulai": lifecycle.Hold,
	"release": lifecycle.Release, "bogiu": lifecycle.Release,
}

// lookup finds the command a line names: by its first word, or — since
// Vietnamese is written in syllables — by its first two to four words run
// together ("/tiếp nhận", "/gọi không được", "/bí mật nhà nước") when the
// first word alone names no command, or names one that takes no argument
// while words follow it ("/duyệt gia hạn"). A word that alone names a
// command taking an argument is that command ("/chuyển cấp nước" assigns;
// the escalation is "/chuyencap"). It returns the action, the command as
// typed (lower case, for the answers), and the rest of the line.
func lookup(name, rest string) (a lifecycle.Action, typed, after string, ok bool) {
	typed = "/" + strings.ToLower(name)
	a, ok = names[key(name)]
	words := strings.Fields(rest)
	if ok && (specs[a].syntax != bare || len(words) == 0) {
		return a, typed, rest, true
	}
	joined, written, pos := key(name), typed, 0
	for n := 0; n < 3 && n < len(words); n++ {
		pos += strings.Index(rest[pos:], words[n]) + len(words[n])
		w := strings.TrimSuffix(words[n], ":")
		if w == "" || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.Is(unicode.Mn, r) }) >= 0 {
			break
		}
		joined, written = joined+key(w), written+" "+strings.ToLower(w)
		if b, found := names[joined]; found {
			return b, written, rest[pos:], true
		}
	}
	return a, typed, rest, ok
}

// key folds a command name for lookup: lower case, no diacritics (đ is d),
// no hyphens or underscores. So /call-failed, /call_failed and /CallFailed
// are one command, and so are /tiepnhan, /tiếp-nhận and /TiepNhan.
func key(name string) string {
	return strings.NewReplacer("-", "", "_", "").Replace(fold.String(name))
}
