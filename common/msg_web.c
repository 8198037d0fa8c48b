/* msg_web.c - catalogue "web": the dashboard's words. See common/i18n.h. Keep sorted by key. */
#include "common/i18n.h"

static const struct i18n_msg msgs[] = {
    {"web.alerts.none", {"Chưa có cảnh báo nào.", "No alerts yet."}},
    {"web.col.details", {"Chi tiết", "Details"}},
    {"web.col.device", {"Thiết bị", "Device"}},
    {"web.col.event", {"Sự kiện", "Event"}},
    {"web.col.since", {"Kéo dài", "For"}},
    {"web.col.state", {"Trạng thái", "State"}},
    {"web.col.time", {"Thời gian", "Time"}},
    {"web.error.400", {"Yêu cầu không hợp lệ.", "Bad request."}},
    {"web.error.403", {"Bạn không có quyền làm việc này.",
			  "You are not allowed to do this."}},
    {"web.error.404", {"Không tìm thấy trang.", "Page not found."}},
    {"web.error.405",
	{"Phương thức không được hỗ trợ.", "Method not allowed."}},
    {"web.error.413",
	{"Dữ liệu gửi lên quá lớn.", "The request body is too large."}},
    {"web.error.500", {"Lỗi máy chủ, xem nhật ký của xanetd.",
			  "Server error: see xanetd's log."}},
    {"web.error.csrf",
	{"Mã bảo vệ biểu mẫu bị thiếu hoặc sai: hãy tải lại trang rồi thử "
	 "lại.",
	    "The form's security token is missing or wrong: reload the page "
	    "and try again."}},
    {"web.error.title", {"Lỗi", "Error"}},
    {"web.group.none", {"Chưa phân nhóm", "No group"}},
    {"web.lang.other", {"English", "Tiếng Việt"}},
    {"web.login.button", {"Đăng nhập", "Log in"}},
    {"web.login.failed",
	{"Sai tên đăng nhập hoặc mật khẩu.", "Wrong user name or password."}},
    {"web.login.password", {"Mật khẩu", "Password"}},
    {"web.login.slow",
	{"Đăng nhập sai quá nhiều lần. Hãy thử lại sau ít phút.",
	    "Too many failed logins. Try again in a few minutes."}},
    {"web.login.title", {"Đăng nhập", "Log in"}},
    {"web.login.user", {"Tên đăng nhập", "User name"}},
    {"web.logout", {"Đăng xuất", "Log out"}},
    {"web.nav.overview", {"Tổng quan", "Overview"}},
    {"web.overview.alerts", {"Cảnh báo gần đây", "Latest alerts"}},
    {"web.overview.devices", {"Thiết bị theo nhóm", "Devices by group"}},
    {"web.overview.nodevices",
	{"Chưa có thiết bị nào được cấu hình.", "No devices are configured."}},
    {"web.overview.title", {"Tổng quan", "Overview"}},
    {"web.setup.after",
	{"Lệnh sẽ hỏi mật khẩu (ít nhất 10 ký tự) hai lần. Sau đó tải lại "
	 "trang này để đăng nhập.",
	    "It asks for the password (at least 10 characters) twice. Then "
	    "reload this page to log in."}},
    {"web.setup.intro",
	{"Chưa có tài khoản nào để đăng nhập bảng điều khiển. Trên máy chủ, "
	 "hãy tạo tài khoản quản trị đầu tiên bằng lệnh:",
	    "No dashboard user exists yet. On the server, create the first "
	    "administrator with:"}},
    {"web.setup.name", {"TÊN", "NAME"}},
    {"web.setup.title", {"Tạo tài khoản đầu tiên", "Create the first user"}},
    {"web.state.degraded", {"Suy giảm", "Degraded"}},
    {"web.state.down", {"Mất kết nối", "Down"}},
    {"web.state.maintenance", {"Bảo trì", "Maintenance"}},
    {"web.state.unknown", {"Không rõ", "Unknown"}},
    {"web.state.unreachable", {"Không truy cập được", "Unreachable"}},
    {"web.state.up", {"Hoạt động", "Up"}},
    {"web.title", {"Giám sát mạng xanet", "xanet network monitor"}},
    {"web.user", {"Người dùng", "User"}},
};

const struct i18n_catalogue i18n_msg_web = {
    "web", msgs, sizeof msgs / sizeof msgs[0]};
