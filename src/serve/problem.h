// Errors of the HTTP door as RFC 9457 problem details (application/problem+json): the status,
// a Chinese title, what went wrong in detail, and the located issues of a survey.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>
#include <vector>

#include "smedx/diagnostics.h"

namespace smedx::serve {

// A JSON string of `text`, with control characters and bytes that are not UTF-8 escaped as
// smedx escapes them for a terminal (so the result is always valid JSON).
std::string json_string(std::string_view text);

// Sets `res` to a problem: status, Content-Type and body.
void fill_problem(httplib::Response& res, int status, const std::string& detail,
                  const std::vector<Issue>& issues = {});

}  // namespace smedx::serve
