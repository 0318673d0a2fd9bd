// Problem details for every error the service answers (see problem.h).
#include "serve/problem.h"

#include <cstdio>
#include <string>

#include "smedx/text.h"

namespace smedx::serve {

namespace {

const char* title_of(int status) {
  switch (status) {
    case 400:
      return "请求格式错误";
    case 401:
      return "未授权";
    case 404:
      return "未找到";
    case 405:
      return "不支持的请求方法";
    case 408:
      return "请求超时";
    case 409:
      return "与规则集不符";
    case 413:
      return "请求体过大";
    case 414:
      return "请求地址过长";
    case 415:
      return "不支持的内容类型";
    case 422:
      return "问卷有误";
    case 431:
      return "请求头过大";
    case 503:
      return "服务繁忙";
    default:
      return status >= 500 ? "服务内部错误" : "请求有误";
  }
}

std::string default_detail(int status) {
  switch (status) {
    case 400:
      return "the request could not be read";
    case 404:
      return "no such resource; see /openapi.json";
    case 405:
      return "this method is not served here; see /openapi.json";
    case 413:
      return "the request body is larger than the limit (--max-body)";
    case 414:
      return "the request line is longer than 8192 bytes";
    default:
      return "the request could not be answered (status " + std::to_string(status) + ")";
  }
}

}  // namespace

std::string json_string(std::string_view text) {
  const std::string safe = escape_control(text);  // no controls, no bytes that are not UTF-8
  std::string out = "\"";
  for (char c : safe) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void fill_problem(httplib::Response& res, int status, const std::string& detail,
                  const std::vector<Issue>& issues) {
  std::string body = "{\"type\":\"about:blank\",\"status\":" + std::to_string(status) +
                     ",\"title\":" + json_string(title_of(status)) +
                     ",\"detail\":" + json_string(detail.empty() ? default_detail(status) : detail);
  if (!issues.empty()) {
    body += ",\"issues\":[";
    for (std::size_t k = 0; k < issues.size(); ++k) {
      const Issue& i = issues[k];
      body += (k ? "," : "") + std::string("{\"severity\":") + json_string(to_string(i.severity)) +
              ",\"message\":" + json_string(i.message) + ",\"path\":" + json_string(i.path) +
              ",\"file\":" + json_string(i.where.file) +
              ",\"line\":" + std::to_string(i.where.line) +
              ",\"column\":" + std::to_string(i.where.column) + "}";
    }
    body += "]";
  }
  body += "}\n";
  res.status = status;
  res.set_content(body, "application/problem+json");
}

}  // namespace smedx::serve
