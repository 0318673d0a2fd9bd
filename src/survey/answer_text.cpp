#include "survey/answer_text.h"

#include <fmt/format.h>

#include <array>

namespace smedx::detail {

namespace {

// The separators of a list as people type them: '|' (smedx's own), ',', ';', and the Chinese
// 、，；｜.
constexpr std::array<std::string_view, 8> separators = {"|",  ",",  ";",  "、",
                                                        "，", "；", "｜", "\n"};

// Blanks around a part: ASCII space and tab, the ideographic space, the no-break space.
std::string_view trim(std::string_view s) noexcept {
  for (bool again = true; again;) {
    again = false;
    for (std::string_view blank : {" ", "\t", "\r", "\xE3\x80\x80", "\xC2\xA0"}) {
      if (s.starts_with(blank)) s.remove_prefix(blank.size()), again = true;
      if (s.ends_with(blank)) s.remove_suffix(blank.size()), again = true;
    }
  }
  return s;
}

// The letter a part starts with, as a capital, and its length in bytes: A–Z, a–z, and the
// full-width Ａ–Ｚ and ａ–ｚ (U+FF21–FF3A, U+FF41–FF5A). 0 when it starts with none.
char leading_letter(std::string_view s, std::size_t& size) noexcept {
  size = 0;
  if (s.empty()) return 0;
  const auto c = static_cast<unsigned char>(s[0]);
  if (c >= 'A' && c <= 'Z') return size = 1, static_cast<char>(c);
  if (c >= 'a' && c <= 'z') return size = 1, static_cast<char>(c - 'a' + 'A');
  if (s.size() >= 3 && c == 0xEF) {
    const auto c1 = static_cast<unsigned char>(s[1]), c2 = static_cast<unsigned char>(s[2]);
    if (c1 == 0xBC && c2 >= 0xA1 && c2 <= 0xBA) return size = 3, static_cast<char>('A' + c2 - 0xA1);
    if (c1 == 0xBD && c2 >= 0x81 && c2 <= 0x9A) return size = 3, static_cast<char>('A' + c2 - 0x81);
  }
  return 0;
}

// An option's wording without a closing remark in brackets: "多个业务环节（2个及以上）" is
// written "多个业务环节" as often as whole.
std::string_view stem(std::string_view zh) noexcept {
  for (std::string_view open : {"（", "("}) {
    const std::size_t at = zh.find(open);
    if (at != std::string_view::npos && at > 0) return trim(zh.substr(0, at));
  }
  return zh;
}

// The option whose wording the part is (whole or without its remark); -1 when none or more
// than one.
int option_by_words(const Item& item, std::string_view part) {
  int found = -1;
  for (std::size_t k = 0; k < item.options.size(); ++k) {
    const Option& o = item.options[k];
    if (part == o.zh || part == stem(o.zh)) {
      if (found >= 0 && found != static_cast<int>(k)) return -1;
      found = static_cast<int>(k);
    }
  }
  return found;
}

// Drops the punctuation between a letter and its wording ("C．多个…", "C: …") and the brackets
// around the wording ("C（多个…）").
std::string_view after_letter(std::string_view rest) noexcept {
  rest = trim(rest);
  for (std::string_view mark : {".", "．", ":", "：", "-", "、"})
    if (rest.starts_with(mark)) rest = trim(rest.substr(mark.size()));
  for (auto [open, close] : {std::pair<std::string_view, std::string_view>{"（", "）"},
                             std::pair<std::string_view, std::string_view>{"(", ")"}}) {
    if (rest.starts_with(open) && rest.ends_with(close) &&
        rest.size() >= open.size() + close.size())
      return trim(rest.substr(open.size(), rest.size() - open.size() - close.size()));
  }
  return rest;
}

// The option a part names: a letter in any form, the wording, or a letter and its wording.
// -1 when none.
int option_of(const Item& item, std::string_view part) {
  std::size_t size = 0;
  const char letter = leading_letter(part, size);
  const auto letter_option = [&]() -> int {
    const std::size_t k = static_cast<std::size_t>(letter - 'A');
    return k < item.options.size() ? static_cast<int>(k) : -1;
  };
  if (letter && size == part.size()) return letter_option();
  if (const int k = option_by_words(item, part); k >= 0) return k;
  if (letter) {
    const std::string_view words = after_letter(part.substr(size));
    if (const int k = option_by_words(item, words); k >= 0 && k == letter_option()) return k;
  }
  return -1;
}

// An option close to a part that names none: one whose wording contains the part, or whose
// wording the part contains ("多个业务" -> C); -1 unless exactly one is.
int suggestion_for(const Item& item, std::string_view part) {
  if (part.size() < 3) return -1;  // a letter or a byte: the valid letters say enough
  int found = -1;
  for (std::size_t k = 0; k < item.options.size(); ++k) {
    const std::string_view zh = item.options[k].zh;
    if (zh.find(part) != std::string_view::npos || part.find(stem(zh)) != std::string_view::npos) {
      if (found >= 0) return -1;
      found = static_cast<int>(k);
    }
  }
  return found;
}

}  // namespace

bool read_option_text(const Item& item, std::string_view text, std::string& letters,
                      std::vector<UnknownOption>& unknown) {
  text = trim(text);
  if (const int k = option_of(item, text); k >= 0) {
    letters += item.options[static_cast<std::size_t>(k)].letter;
    return true;
  }
  bool all = true;
  while (!text.empty()) {
    std::size_t cut = text.size(), width = 0;
    for (std::string_view sep : separators) {
      const std::size_t at = text.find(sep);
      if (at < cut) cut = at, width = sep.size();
    }
    const std::string_view part = trim(text.substr(0, cut));
    text.remove_prefix(std::min(text.size(), cut + width));
    if (part.empty()) continue;
    if (const int k = option_of(item, part); k >= 0) {
      letters += item.options[static_cast<std::size_t>(k)].letter;
    } else {
      unknown.push_back({std::string(part), suggestion_for(item, part)});
      all = false;
    }
  }
  return all;
}

std::string option_label(const Option& option) {
  return fmt::format("{}（{}）", option.letter, option.zh);
}

}  // namespace smedx::detail
