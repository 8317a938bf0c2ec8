/* Errors: an hw_error_t carries a status and a message naming the file, field or module. */
#ifndef HW_ERROR_H
#define HW_ERROR_H

#include "heapwise.h"

struct hw_error {
  hw_status_t status;
  char *message;
};

/* Sets *error (when error is not NULL) to a new error; returns status for tail calls. */
hw_status_t hw_fail(hw_error_t **error, hw_status_t status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Moves an error's status and message into *error (or drops it); returns the status. */
hw_status_t hw_forward(hw_error_t **error, hw_error_t *from);

#endif
