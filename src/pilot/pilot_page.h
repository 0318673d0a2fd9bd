// What every printed pilot page shares (the dashboard, acceptance pages, the case booklet): the
// style with its A4 print rules (repeated table headers, page numbers) and the 编制/审核
// signature block. Defined in pilot_html.cpp. Not API.
#pragma once

namespace smedx::detail {

const char* pilot_page_style() noexcept;      // a <style> element
const char* pilot_page_signature() noexcept;  // a <div id='signature'>

}  // namespace smedx::detail
