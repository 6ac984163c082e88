package lifecycle

// NoticeKind names a mail owed after an action. The names are the template
// names of package templates (KIND.LANG.txt, KIND.LANG.html).
type NoticeKind string

// The notices of SPEC 3, 7 and 8.4, with who gets them.
const (
	NoticeAck                  NoticeKind = "ack"                   // citizen: new report received, with its code
	NoticeTriage               NoticeKind = "triage"                // receivers: a new report to forward or reject
	NoticeAssignment           NoticeKind = "assignment"            // the agency's handlers: a report with its deadlines
	NoticeCoordination         NoticeKind = "coordination"          // a co-agency's handlers: a report to work on with its lead (Art 7.1)
	NoticeForwarded            NoticeKind = "forwarded"             // citizen: forwarded to agency X
	NoticeRejection            NoticeKind = "rejection"             // citizen: rejected, with the receiver's reason
	NoticeRejectionUnreachable NoticeKind = "rejection-unreachable" // citizen: rejected after the failed calls (Art 7.1's reason)
	NoticeReturned             NoticeKind = "returned"              // receivers: the agency returned it (cause, legal basis, proposal)
	NoticeReview               NoticeKind = "review"                // approvers: a result to review
	NoticeSentBack             NoticeKind = "sent-back"             // the agency's handlers: redo the result, with the reason
	NoticeResult               NoticeKind = "result"                // citizen: the result notice of Appendix II (SPEC 8.3)
	NoticeSecretResult         NoticeKind = "secret-result"         // citizen: the result holds state secrets; ask the agency for it (Art 9.1c)
	NoticeApproved             NoticeKind = "approved"              // the agency's handlers: their result went to the citizen
	NoticeExtensionRequest     NoticeKind = "extension-request"     // approvers: an agency asks for an extension
	NoticeExtensionConfirmed   NoticeKind = "extension-confirmed"   // the agency's handlers: extension granted, new deadline
	NoticeExtended             NoticeKind = "extended"              // citizen: the handling takes longer (Art 8.3)
	NoticeExtensionDenied      NoticeKind = "extension-denied"      // the agency's handlers: extension refused, with the reason
	NoticeEscalation           NoticeKind = "escalation"            // the escalation address (routing.Bodies): the case and the note
	NoticeEscalated            NoticeKind = "escalated"             // the agency's handlers: the case left their hands
	NoticeUrgent               NoticeKind = "urgent"                // the agency's handlers: a report they hold became urgent
	NoticeNote                 NoticeKind = "note"                  // the other side of a report: a note from the Center or the agency
	NoticeClarification        NoticeKind = "clarification"         // citizen: the agency's answer to their reply
	NoticeCitizenReply         NoticeKind = "citizen-reply"         // the agency's handlers: the citizen asks about the result (Art 10)
	NoticeCitizenNote          NoticeKind = "citizen-note"          // whoever holds the report: the citizen added something
	NoticeThanks               NoticeKind = "thanks"                // citizen: thanks for the rating
	NoticeRated                NoticeKind = "rated"                 // the agency's handlers, and the approvers when dissatisfied: the rating and its reason
	NoticeAlreadyRated         NoticeKind = "already-rated"         // citizen: the answer to a refused second rating
	NoticeStatus               NoticeKind = "status"                // the operator who asked: the report's state and deadlines
	NoticeHelp                 NoticeKind = "help"                  // the operator who asked: the commands of their role
	NoticeReport               NoticeKind = "report"                // the operator who asked: a periodic report
	NoticeCodes                NoticeKind = "codes"                 // the operator who asked: the routing table's codes
)

// Recipient is who a notice goes to. The strings, except ToActor, are the
// role column of store.Mail.
type Recipient string

// The recipients. Every answer to an operator goes to the operator's
// configured address, never to the message's From (SPEC 7.1).
const (
	ToCitizen    Recipient = "citizen"    // the report's sender
	ToReceivers  Recipient = "receiver"   // every receiver of the Center
	ToApprovers  Recipient = "approver"   // every approver of the Center
	ToHandlers   Recipient = "handler"    // the handlers of Notice.Agency
	ToEscalation Recipient = "escalation" // the configured escalation address
	ToActor      Recipient = "actor"      // the operator who sent the command
)

// Notice is one mail owed: its kind, and to whom.
type Notice struct {
	Kind NoticeKind
	To   Recipient
	// Agency is the agency whose handlers get it (To is ToHandlers).
	Agency string
}
