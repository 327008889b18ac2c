/*  tool_util: finding the team tools (task, timew) that the source tests
 *  run, by PATH as pmo-agent does.  proc_run takes a path, not a name. */
#ifndef PMO_TEST_TOOL_UTIL_H
#define PMO_TEST_TOOL_UTIL_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/*  Writes the full path of the program name found in PATH into out.
 *  Returns false when there is none. */
static inline bool
tool_path (const char *name, char *out, size_t n)
{
    const char *path = getenv ("PATH");
    char *copy = strdup (path && *path ? path : "/usr/bin:/bin");
    bool found = false;
    for (char *save = NULL, *dir = strtok_r (copy, ":", &save); dir && !found;
         dir = strtok_r (NULL, ":", &save)) {
        snprintf (out, n, "%s/%s", dir, name);
        found = access (out, X_OK) == 0;
    }
    free (copy);
    return found;
}

#endif
