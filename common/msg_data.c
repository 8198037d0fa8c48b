/* msg_data.c - catalogue "data": see common/i18n.h. Keep sorted by key. */
#include "common/i18n.h"

static const struct i18n_msg msgs[] = {
    {"data.lang", {"Tiếng Việt", "English"}},
};

const struct i18n_catalogue i18n_msg_data = {
    "data", msgs, sizeof msgs / sizeof msgs[0]};
