/* msg_report.c - catalogue "report": every word of report.html, vi and en. Keep sorted by key. */
#include "common/i18n.h"

static const struct i18n_msg msgs[] = {
    {"report.alerts.by_event",
	{"Số cảnh báo theo loại sự kiện", "Alerts by event"}},
    {"report.alerts.list", {"Các cảnh báo gần nhất", "Latest alerts"}},
    {"report.antivirus_missing",
	{"Chưa xây dựng: chức năng theo dõi phần mềm phòng chống mã độc trên "
	 "máy tính của cơ quan sẽ có trong một phiên bản sau. Mục này chưa có "
	 "số liệu.",
	    "Not built yet: anti-malware coverage of the office PCs comes in a "
	    "later version. This section has no figures."}},
    {"report.cause.dns",
	{"Lỗi phân giải tên miền (DNS)", "DNS resolution failed"}},
    {"report.cause.http-body",
	{"Nội dung HTTP không như mong đợi", "Unexpected HTTP content"}},
    {"report.cause.http-status",
	{"Mã trạng thái HTTP không như mong đợi", "Unexpected HTTP status"}},
    {"report.cause.link-down", {"Cổng mạng mất liên kết", "Link down"}},
    {"report.cause.loss", {"Mất toàn bộ gói tin", "All packets lost"}},
    {"report.cause.maintenance", {"Bảo trì", "Maintenance"}},
    {"report.cause.monitor",
	{"Máy giám sát không đo được", "The monitor could not probe"}},
    {"report.cause.monitor-stopped",
	{"Máy giám sát ngừng chạy", "The monitor was stopped"}},
    {"report.cause.network",
	{"Lỗi mạng tại máy giám sát", "Local network error"}},
    {"report.cause.not-watched", {"Không được theo dõi", "Not watched"}},
    {"report.cause.parent-down",
	{"Thiết bị cấp trên mất kết nối", "Parent device down"}},
    {"report.cause.refused", {"Kết nối bị từ chối", "Connection refused"}},
    {"report.cause.timeout",
	{"Hết thời gian chờ (không phản hồi)", "Timeout (no answer)"}},
    {"report.cause.tls",
	{"Lỗi TLS hoặc chứng chỉ", "TLS or certificate error"}},
    {"report.cause.unreachable",
	{"Không tới được (ICMP unreachable)", "Unreachable (ICMP)"}},
    {"report.chain.alert", {"Cảnh báo", "Alerts"}},
    {"report.chain.empty", {"(trống)", "(empty)"}},
    {"report.chain.snapshot", {"Ảnh chụp bằng chứng", "Evidence snapshots"}},
    {"report.chain.state",
	{"Khoảng trạng thái thiết bị", "Device state intervals"}},
    {"report.col.cause", {"Nguyên nhân", "Cause"}},
    {"report.col.chain", {"Chuỗi băm", "Hash chain"}},
    {"report.col.count", {"Số lần", "Count"}},
    {"report.col.coverage", {"Độ phủ giám sát", "Coverage"}},
    {"report.col.detail", {"Chi tiết", "Detail"}},
    {"report.col.device", {"Thiết bị", "Device"}},
    {"report.col.downtime", {"Thời gian mất kết nối", "Down time"}},
    {"report.col.duration", {"Thời lượng", "Duration"}},
    {"report.col.end", {"Kết thúc", "End"}},
    {"report.col.event", {"Sự kiện", "Event"}},
    {"report.col.head", {"Đầu chuỗi (SHA-256)", "Head (SHA-256)"}},
    {"report.col.indicator", {"Chỉ tiêu", "Indicator"}},
    {"report.col.ip", {"Địa chỉ IP", "IP addresses"}},
    {"report.col.kind", {"Loại", "Kind"}},
    {"report.col.last_seen", {"Thấy lần cuối", "Last seen"}},
    {"report.col.longest", {"Lâu nhất", "Longest"}},
    {"report.col.mac", {"Địa chỉ MAC", "MAC address"}},
    {"report.col.name", {"Tên máy", "Host name"}},
    {"report.col.outages", {"Số lần mất", "Outages"}},
    {"report.col.severity", {"Mức độ", "Severity"}},
    {"report.col.start", {"Bắt đầu", "Start"}},
    {"report.col.status", {"Trạng thái", "Status"}},
    {"report.col.target", {"Mục tiêu", "Target"}},
    {"report.col.time", {"Thời điểm", "Time"}},
    {"report.col.traffic", {"Lưu lượng", "Traffic"}},
    {"report.col.uptime", {"Thời gian hoạt động", "Uptime"}},
    {"report.col.value", {"Giá trị", "Value"}},
    {"report.col.vendor", {"Hãng sản xuất", "Vendor"}},
    {"report.col.verdict", {"Kết quả", "Result"}},
    {"report.col.what", {"Hạng mục", "What"}},
    {"report.cov.lan", {"Lấy mẫu mạng LAN", "LAN sampling"}},
    {"report.cov.lan_detail", {"Tỷ lệ thời gian bộ lấy mẫu LAN chạy trong kỳ.",
				  "Share of the period the LAN sampler ran."}},
    {"report.cov.lan_none",
	{"Không có số liệu: bộ lấy mẫu LAN chưa chạy trong kỳ này.",
	    "Not available: the LAN sampler never ran in this period."}},
    {"report.cov.monitor",
	{"Giám sát thiết bị (xanetd)", "Device monitoring (xanetd)"}},
    {"report.cov.watched", {"Thời gian đã theo dõi:", "Time watched:"}},
    {"report.cut",
	{"dòng nữa không hiển thị ở đây; danh sách đầy đủ có trong tệp",
	    "more rows are not shown here; the full list is in"}},
    {"report.daily_help", {"Mỗi ô là một ngày (giờ địa phương), tô màu theo tỷ "
			   "lệ thời gian hoạt động của thiết bị trong ngày đó.",
			      "Each cell is one local day, coloured by the "
			      "device's uptime that day."}},
    {"report.device", {"Thiết bị", "Device"}},
    {"report.event.cert-expiring",
	{"Chứng chỉ sắp hết hạn", "Certificate expiring"}},
    {"report.event.degraded", {"Chất lượng suy giảm", "Degraded"}},
    {"report.event.down", {"Mất kết nối", "Down"}},
    {"report.event.flapping", {"Chập chờn", "Flapping"}},
    {"report.event.maintenance-end", {"Kết thúc bảo trì", "Maintenance ended"}},
    {"report.event.maintenance-start",
	{"Bắt đầu bảo trì", "Maintenance started"}},
    {"report.event.monitor-started",
	{"Máy giám sát khởi động", "Monitor started"}},
    {"report.event.monitor-stopped", {"Máy giám sát dừng", "Monitor stopped"}},
    {"report.event.recovered", {"Chất lượng phục hồi", "Recovered"}},
    {"report.event.stable", {"Ổn định trở lại", "Stable again"}},
    {"report.event.unreachable",
	{"Không tới được (thiết bị cấp trên mất kết nối)",
	    "Unreachable (parent down)"}},
    {"report.event.up", {"Hoạt động trở lại", "Back up"}},
    {"report.footer",
	{"Báo cáo được lập tự động bởi", "Generated automatically by"}},
    {"report.generated", {"Thời điểm lập", "Generated at"}},
    {"report.group", {"Nhóm (thôn)", "Group (village)"}},
    {"report.group.none", {"(không thuộc nhóm)", "(no group)"}},
    {"report.key", {"Khóa ký (dấu vân tay)", "Signing key (fingerprint)"}},
    {"report.lang", {"Tiếng Việt", "English"}},
    {"report.method.chain",
	{"Mỗi khoảng trạng thái và mỗi cảnh báo được ghi vào cơ sở dữ liệu kèm "
	 "mã băm SHA-256 nối với dòng trước (chuỗi băm): sửa hay xóa một dòng "
	 "sẽ làm đứt chuỗi.",
	    "Every state interval and every alert is stored with a SHA-256 "
	    "hash linked to the row before it (a hash chain): editing or "
	    "deleting a row breaks the chain."}},
    {"report.method.coverage",
	{"Độ phủ giám sát (%) = thời gian máy giám sát thực sự theo dõi và đo "
	 "được ÷ thời gian của kỳ × 100. Thời gian máy giám sát không chạy là "
	 "«không rõ», không tính là hoạt động cũng không tính là mất kết nối.",
	    "Coverage (%) = time the monitor was watching and able to probe ÷ "
	    "length of the period × 100. Time the monitor was not running is "
	    "unknown: neither up nor down."}},
    {"report.method.daily", {"Biểu đồ theo ngày dùng cùng công thức cho từng "
			     "ngày địa phương (00:00–24:00).",
				"The daily chart applies the same formula to "
				"each local day (00:00–24:00)."}},
    {"report.method.maintenance",
	{"Thời gian bảo trì đã khai báo bị loại khỏi phép tính: mất kết nối "
	 "trong lúc bảo trì không làm giảm tỷ lệ thời gian hoạt động.",
	    "Declared maintenance is excluded: being down during maintenance "
	    "does not lower uptime."}},
    {"report.method.outage",
	{"Một sự cố bắt đầu khi thiết bị chuyển sang trạng thái mất kết nối "
	 "(sau số lần đo thất bại liên tiếp đã cấu hình) và kết thúc khi đo "
	 "thành công trở lại. Sự cố vắt qua đầu hoặc cuối kỳ được cắt theo kỳ; "
	 "sự cố chưa kết thúc được ghi «đang diễn ra».",
	    "An outage starts when the device goes down (after the configured "
	    "number of failed probes in a row) and ends when a probe succeeds "
	    "again. Outages crossing the start or end of the period are "
	    "clipped to it; one not yet over is shown as ongoing."}},
    {"report.method.percent",
	{"Tỷ lệ phần trăm được cắt bớt (không làm tròn lên) đến 2 chữ số thập "
	 "phân: 99,999 % được ghi là 99,99 %, không bao giờ thành 100 %.",
	    "Percentages are truncated (never rounded up) to 2 decimals: "
	    "99.999 % is shown as 99.99 %, never as 100 %."}},
    {"report.method.unreachable",
	{"Khi thiết bị cấp trên (ví dụ bộ chuyển mạch của thôn) mất kết nối, "
	 "các thiết bị phía sau được ghi là «không tới được» và tính riêng, "
	 "không tính là mất kết nối của chính chúng.",
	    "When a parent device (e.g. a village switch) is down, the devices "
	    "behind it are recorded as unreachable and counted separately, not "
	    "as down themselves."}},
    {"report.method.uplink",
	{"Chất lượng đường truyền: tỷ lệ mất gói và độ trễ trung bình của các "
	 "lần đo tới thiết bị đường truyền Internet (uplink), theo từng ngày. "
	 "Chỉ tiêu giờ cao điểm là tỷ lệ số giờ cao điểm có mất gói và độ trễ "
	 "nằm trong ngưỡng đã cấu hình.",
	    "Uplink quality: packet loss and average latency of the probes of "
	    "the Internet uplink devices, per day. The peak-hour indicator is "
	    "the share of peak hours whose loss and latency are within the "
	    "configured limits."}},
    {"report.method.uptime",
	{"Thời gian hoạt động (%) = thời gian hoạt động ÷ (thời gian hoạt động "
	 "+ thời gian mất kết nối) × 100, tính trên phần của kỳ mà thiết bị "
	 "tồn tại (từ khi được thêm đến khi bị gỡ khỏi cấu hình).",
	    "Uptime (%) = up ÷ (up + down) × 100, over the part of the period "
	    "in which the device existed (from when it was added until it was "
	    "removed from the configuration)."}},
    {"report.no_alerts",
	{"Không có cảnh báo nào trong kỳ.", "No alerts in this period."}},
    {"report.no_devices", {"Không có thiết bị nào trong phạm vi báo cáo.",
			      "No devices in the report's scope."}},
    {"report.no_indicators",
	{"Chưa cấu hình chỉ tiêu nào.", "No indicators are configured."}},
    {"report.no_lan",
	{"Chưa có dữ liệu LAN: bộ lấy mẫu mạng LAN chưa chạy trong kỳ này.",
	    "No LAN data: the LAN sampler did not run in this period."}},
    {"report.no_outages", {"Không có sự cố mất kết nối nào trong kỳ.",
			      "No outages in this period."}},
    {"report.no_uplinks",
	{"Không có thiết bị đường truyền Internet (uplink) nào được theo dõi.",
	    "No Internet uplink is monitored."}},
    {"report.nodata", {"không có dữ liệu", "no data"}},
    {"report.not_in_period", {"Thiết bị không tồn tại trong kỳ này",
				 "The device did not exist in this period"}},
    {"report.ongoing", {"đang diễn ra", "ongoing"}},
    {"report.period", {"Kỳ báo cáo", "Period"}},
    {"report.province", {"Tỉnh", "Province"}},
    {"report.scope", {"Phạm vi", "Scope"}},
    {"report.sec.alerts", {"Cảnh báo", "Alerts"}},
    {"report.sec.antivirus", {"Phòng chống mã độc", "Anti-malware"}},
    {"report.sec.coverage", {"Độ phủ giám sát", "Monitoring coverage"}},
    {"report.sec.daily", {"Khả dụng theo ngày", "Daily availability"}},
    {"report.sec.devices",
	{"Thời gian hoạt động theo thiết bị", "Uptime by device"}},
    {"report.sec.hosts", {"Máy trong mạng LAN", "LAN hosts"}},
    {"report.sec.method",
	{"Cách tính các số liệu", "How the figures are computed"}},
    {"report.sec.outages", {"Danh sách sự cố mất kết nối", "Outages"}},
    {"report.sec.summary", {"Tóm tắt các chỉ tiêu", "Indicator summary"}},
    {"report.sec.uplink",
	{"Chất lượng đường truyền Internet", "Internet uplink quality"}},
    {"report.severity.crit", {"Nghiêm trọng", "Critical"}},
    {"report.severity.err", {"Lỗi", "Error"}},
    {"report.severity.error", {"Lỗi", "Error"}},
    {"report.severity.info", {"Thông tin", "Info"}},
    {"report.severity.notice", {"Thông báo", "Notice"}},
    {"report.severity.warning", {"Cảnh báo", "Warning"}},
    {"report.svg.days", {"ngày", "days"}},
    {"report.svg.nodata", {"không có dữ liệu", "no data"}},
    {"report.svg.none", {"chưa theo dõi", "not monitored"}},
    {"report.times_local",
	{"Mọi thời điểm theo giờ địa phương; một ngày tính từ 00:00 đến 24:00 "
	 "giờ địa phương.",
	    "All times are local; a day runs from 00:00 to 24:00 local time."}},
    {"report.title", {"Báo cáo giám sát mạng", "Network monitoring report"}},
    {"report.unit.d", {"ngày", "d"}},
    {"report.unit.h", {"giờ", "h"}},
    {"report.unit.m", {"phút", "m"}},
    {"report.unit.s", {"giây", "s"}},
    {"report.unsigned", {"chưa ký", "not signed"}},
    {"report.uplink.loss", {"Tỷ lệ mất gói", "Packet loss"}},
    {"report.uplink.rtt", {"Độ trễ trung bình", "Average latency"}},
    {"report.uplink_help", {"Cột: tỷ lệ mất gói mỗi ngày (trục trái); đường: "
			    "độ trễ trung bình mỗi ngày (trục phải).",
			       "Bars: daily packet loss (left axis); line: "
			       "daily average latency (right axis)."}},
    {"report.verdict.met", {"Đạt", "Met"}},
    {"report.verdict.no_data", {"Chưa có dữ liệu", "No data"}},
    {"report.verdict.not_met", {"Không đạt", "Not met"}},
    {"report.verify",
	{"Các giá trị trên là đầu của các chuỗi băm trong cơ sở dữ liệu lúc "
	 "lập báo cáo. Để kiểm tra dữ liệu không bị sửa, chạy trên máy chủ "
	 "xanet lệnh thứ nhất (kiểm tra lại toàn bộ chuỗi); lệnh thứ hai kiểm "
	 "tra một gói bằng chứng đã ký (mã băm từng tệp và chữ ký).",
	    "These are the heads of the database's hash chains when the report "
	    "was made. To check that no data was altered, run the first "
	    "command on the xanet server (it re-walks every chain); the second "
	    "checks a signed evidence pack (every file's hash and the "
	    "signature)."}},
    {"report.version", {"Phiên bản", "Version"}},
};

const struct i18n_catalogue i18n_msg_report = {
    "report", msgs, sizeof msgs / sizeof msgs[0]};
