/* subject_args.c — see subject_args.h. */
#include <errno.h>
#include <stddef.h>

#include "subject_args.h"

int hsri_subject_args_check(const struct hs_open_args *args)
{
    if (args == NULL)
        return 0;
    /* an older caller's struct may be shorter, but must reach `flags` */
    if (args->struct_size < offsetof(struct hs_open_args, flags) + sizeof args->flags)
        return -EINVAL;
    if (HS_HAS_FIELD(args, struct hs_open_args, reserved0) && args->reserved0 != 0)
        return -EINVAL;
    if (HS_HAS_FIELD(args, struct hs_open_args, reserved))
        for (size_t i = 0; i < sizeof args->reserved / sizeof args->reserved[0]; i++)
            if (args->reserved[i] != 0)
                return -EINVAL;
    return 0;
}
