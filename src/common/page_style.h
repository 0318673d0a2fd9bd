// The print rules every page for people shares (the 一企一档, the cohort overview; the pilot's
// pages carry the same rules in their own style): A4, table headers repeated on each printed
// page, rows kept whole, page numbers in the bottom margin, and the signature (签字/盖章) block.
// Written once here, so a page printed by a 县区 or an enterprise looks the same whichever
// command wrote it.
#pragma once

#include <string_view>

namespace smedx::detail {

// Put inside a page's <style>. Tables must be written with <thead> for their header to repeat.
// Chromium 131+ draws @page margin boxes (the page numbers); other browsers leave them out.
inline constexpr std::string_view print_style =
    "thead{display:table-header-group}tr{break-inside:avoid}"
    ".sign{margin-top:32px;display:flex;gap:48px;flex-wrap:wrap;break-inside:avoid}"
    ".sign span{min-width:200px;border-bottom:1px solid #222;padding-bottom:18px}"
    "@page{size:A4;margin:14mm 12mm 16mm 12mm;"
    "@bottom-center{content:'第 ' counter(page) ' 页，共 ' counter(pages) ' 页';font-size:9pt}}"
    "@media print{body{margin:0;max-width:none;font-size:10pt}h1{font-size:16pt}"
    "h2{font-size:12pt;margin-top:14px;break-after:avoid}table{font-size:9pt}"
    "td,th{padding:2px 4px}a{color:inherit;text-decoration:none}.noprint{display:none}"
    // Four signatures on one line of A4.
    ".sign{margin-top:16px;gap:24px}.sign span{min-width:140px}}";

}  // namespace smedx::detail
