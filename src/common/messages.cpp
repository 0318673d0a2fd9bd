// The message table of survey problems: one row a code, its message in Chinese and English.
// Issues carry a code and its arguments; the text people read is rendered here, in the language
// asked for (Chinese unless a platform log asks for English), so that the CLI, the records and
// Python say the same thing in the same words. docs/messages.md lists the table.
#include <fmt/args.h>
#include <fmt/format.h>

#include <array>
#include <stdexcept>

#include "smedx/diagnostics.h"

namespace smedx {

namespace {

// Arguments by kind of subject: an item's messages start {0} id, {1} code, {2} Chinese name;
// a scenario's likewise; the rest follow. English keeps the library's long-standing wording.
constexpr std::array kinds = {
    // --- answers ---
    MessageKind{"E-ITEM-UNKNOWN", Severity::error, "未知题目“{0}”{hint}",
                "unknown item '{0}'{hint}", "，是否应为“{0}”？", " (did you mean '{0}'?)"},
    MessageKind{"E-ITEM-TWICE", Severity::error, "{1} {2}填写了两次（“{3}”与“{4}”）",
                "item '{0}' answered twice (as '{3}' and '{4}')", "", ""},
    MessageKind{"E-ANSWER-OPTION", Severity::error, "{1} {2}没有选项“{3}”（可选 A–{4}）{hint}",
                "unknown option '{3}' for item '{0}' (valid: A–{4}{hint})", "，是否应为 {0}？",
                "; did you mean {0}?"},
    MessageKind{"E-ANSWER-LIST", Severity::error, "{1} {2}是多选题，应填字母列表，收到单个字母",
                "item '{0}' takes a list of letters, got a single letter", "", ""},
    MessageKind{"E-ANSWER-SINGLE", Severity::error, "{1} {2}只能选一项，收到 {4}",
                "item '{0}' takes one letter, got {3}", "", ""},
    MessageKind{"E-ANSWER-EMPTY", Severity::error,
                "{1} {2}至少要选一项（都没有时选“无”对应的选项）",
                "item '{0}' needs at least one letter (tick the 'none' option for none)", "", ""},
    MessageKind{"E-ANSWER-REPEATED", Severity::error, "{1} {2}的选项 {3} 填了两次",
                "option '{3}' repeated for item '{0}'", "", ""},
    MessageKind{"E-ANSWER-NONE-ALONE", Severity::error, "{1} {2}的“无”选项只能单独选择，收到 {3}",
                "'none' excludes other options for item '{0}', got {3}", "", ""},
    MessageKind{"E-ANSWER-NUMBER", Severity::error, "{1} {2}应填{4}，收到一个数",
                "item '{0}' takes {3}, got a number", "", ""},
    MessageKind{"E-ANSWER-FIGURES", Severity::error, "{1} {2}应填{4}，收到基期与当期数值",
                "item '{0}' takes {3}, got before/after figures", "", ""},
    MessageKind{"E-PERCENT-FORMAT", Severity::error,
                "{1} {2}的百分数“{3}”不是普通小数（整数部分至多 12 位，小数部分至多 18 位）",
                "percentage '{3}' for item '{0}' is not a plain decimal number (at most 12 digits "
                "before the point and 18 after)",
                "", ""},
    MessageKind{"E-ANSWER-RANGE", Severity::error, "{1} {2}的百分数 {3} 超出 0–100",
                "percentage {3} for item '{0}' is outside 0–100", "", ""},
    MessageKind{"W-PERCENT-FRACTION", Severity::warning, "{1} {2}的百分数 {3} 按 {3}% 计{hint}",
                "percentage {3} for item '{0}' read as {3}%; if it is a share{hint}",
                "；如是比例（{0}%），请填 {0} 或“{0}%”", " ({0}%), write {0} or \"{0}%\""},
    MessageKind{
        "E-FIGURES-FORMAT", Severity::error,
        "{1} {2}的基期与当期数值应为普通小数（整数部分至多 12 位，小数部分至多 18 位），收到 "
        "{3} 和 {4}",
        "figures for item '{0}' must be plain decimal numbers (at most 12 digits before "
        "the point and 18 after), got {3} and {4}",
        "", ""},
    MessageKind{"E-FIGURES-RANGE", Severity::error,
                "{1} {2}的基期数值应大于 0、当期数值不小于 0，收到 {3} 和 {4}",
                "figures for item '{0}' need before > 0 and after >= 0, got {3} and {4}", "", ""},
    MessageKind{"E-FIGURES-HALF", Severity::error, "“{0}”只有{3}数值，缺少{4}数值",
                "'{0}' has {1} figure but no {2} figure", "", ""},
    MessageKind{"E-ANSWER-MISSING", Severity::error, "以下题目未作答：{1}",
                "missing answers for items: {0}", "", ""},
    MessageKind{"W-ANSWER-MISSING", Severity::warning, "{1} {2}未作答，按选项 {3}（{4} 分）计",
                "missing answer for item '{0}' scored as option {3} ({4} points)", "", ""},
    // --- scenarios ---
    MessageKind{"E-SCENARIO-UNKNOWN", Severity::error, "未知场景“{0}”{hint}",
                "unknown scenario '{0}'{hint}", "，是否应为“{0}”？", " (did you mean '{0}'?)"},
    MessageKind{"E-SCENARIO-TWICE", Severity::error, "{1} {2}填写了两次（“{3}”与“{4}”）",
                "scenario '{0}' rated twice (as '{3}' and '{4}')", "", ""},
    MessageKind{"E-LEVEL-RANGE", Severity::error, "{1} {2}的等级 {3} 超出 0–{4}",
                "scenario level {3} for '{0}' is outside 0–{4}", "", ""},
    MessageKind{"E-LEVEL-FORMAT", Severity::error, "场景“{0}”的等级应为整数，收到 {1}",
                "expected a whole-number scenario level for '{0}', got {1}", "", ""},
    MessageKind{"E-LEVEL-MISSING", Severity::error, "以下场景未填等级：{1}",
                "missing levels for scenarios: {0}", "", ""},
    MessageKind{"W-LEVEL-MISSING", Severity::warning, "{1} {2}未填等级，按 0 计",
                "missing level for scenario '{0}' scored as 0", "", ""},
    // --- the survey as a whole ---
    MessageKind{"E-ID-MISSING", Severity::error, "缺少企业编号（enterprise.id）",
                "missing enterprise.id", "", ""},
    MessageKind{"E-CONSISTENCY", Severity::error, "{1}", "{1}", "", ""},
    MessageKind{"W-CONSISTENCY", Severity::warning, "{1}", "{1}", "", ""},
    MessageKind{"E-MORE", Severity::error, "……另有 {0} 个错误", "… and {0} more errors", "", ""},
    // --- reading a record: CSV rows and JSON text ---
    MessageKind{"E-CSV-QUOTE", Severity::error, "CSV 行格式错误：引号未闭合",
                "malformed CSV row: unclosed quote", "", ""},
    MessageKind{"E-CSV-FIELDS", Severity::error, "CSV 行格式错误：本行 {0} 个字段，表头 {1} 个",
                "malformed CSV row: {0} fields, the header has {1}", "", ""},
    MessageKind{"E-CSV-HEADER", Severity::error, "未读取：第 {0} 行的 CSV 表头有错误",
                "not read: the CSV header on line {0} has errors", "", ""},
    MessageKind{"E-CSV-COLUMN", Severity::error, "CSV 表头有误：{0}", "{0}", "", ""},
    MessageKind{"E-RECORD", Severity::error, "记录无法读取：{0}", "{0}", "", ""},
    MessageKind{"E-JSON-SYNTAX", Severity::error, "JSON 格式错误：{0}", "malformed JSON: {0}", "",
                ""},
    MessageKind{"E-JSON-PRECISION", Severity::error,
                "数 {0} 的有效数字超过 15 位，JSON 数无法精确表示，请减少位数",
                "number {0} has more than 15 significant digits, more than a JSON number holds "
                "exactly; write it with fewer digits",
                "", ""},
    MessageKind{"E-SURVEY-SHAPE", Severity::error, "问卷结构错误：{0}", "{0}", "", ""},
};

std::string render(const MessageKind& k, const std::vector<std::string>& args,
                   const std::string& suggestion, Lang lang) {
  const bool zh = lang == Lang::zh;
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const auto& a : args) store.push_back(std::cref(a));
  std::string hint;
  if (!suggestion.empty()) {
    fmt::dynamic_format_arg_store<fmt::format_context> one;
    one.push_back(std::cref(suggestion));
    hint = fmt::vformat(zh ? k.hint_zh : k.hint_en, one);
  } else if (k.code == "W-PERCENT-FRACTION") {
    hint = zh ? "；如是比例，请乘以 100 填写" : ", write it times 100";
  }
  store.push_back(fmt::arg("hint", hint));
  try {
    return fmt::vformat(zh ? k.zh : k.en, store);
  } catch (const fmt::format_error&) {  // an issue made with too few arguments: a bug, shown
    return fmt::format("{} ({})", k.code, fmt::join(args, ", "));
  }
}

const MessageKind* find_kind(std::string_view code) noexcept {
  for (const auto& k : kinds)
    if (k.code == code) return &k;
  return nullptr;
}

}  // namespace

std::optional<Lang> parse_lang(std::string_view text) noexcept {
  if (text == "zh") return Lang::zh;
  if (text == "en") return Lang::en;
  return std::nullopt;
}

std::span<const MessageKind> message_kinds() noexcept { return kinds; }

Issue coded_issue(std::string_view code, std::vector<std::string> args, std::string path,
                  Location where, std::string suggestion) {
  const MessageKind* k = find_kind(code);
  if (!k) throw std::logic_error("no message kind " + std::string(code));
  Issue issue(k->severity, render(*k, args, suggestion, Lang::en), std::move(path),
              std::move(where));
  issue.code = std::string(code);
  issue.args = std::move(args);
  issue.suggestion = std::move(suggestion);
  return issue;
}

std::string message_text(const Issue& issue, Lang lang) {
  if (lang == Lang::en || issue.code.empty()) return issue.message;
  const MessageKind* k = find_kind(issue.code);
  return k ? render(*k, issue.args, issue.suggestion, lang) : issue.message;
}

std::string issue_text(const Issue& issue, Lang lang) {
  if (lang == Lang::en) return issue.to_string();
  Issue zh = issue;
  zh.message = message_text(issue, lang);
  std::string out = zh.to_string();
  // The head word in Chinese: "error: " -> "错误："
  const std::string_view head = to_string(issue.severity);
  const std::string word = issue.severity == Severity::error     ? "错误"
                           : issue.severity == Severity::warning ? "警告"
                                                                 : "提示";
  return word + "：" + out.substr(head.size() + 2);
}

}  // namespace smedx
