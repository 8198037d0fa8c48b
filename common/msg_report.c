/* msg_report.c - catalogue "report": see common/i18n.h. Keep sorted by key. */
#include "common/i18n.h"

static const struct i18n_msg msgs[] = {
    {"report.lang", {"Tiếng Việt", "English"}},
};

const struct i18n_catalogue i18n_msg_report = {
    "report", msgs, sizeof msgs / sizeof msgs[0]};
