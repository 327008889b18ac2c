/*  cmd_backup: pmoctl backup FILE.
 *
 *  pmod writes the copy itself, on its own machine, with its own
 *  permissions, while it keeps serving; pmoctl only names the file.  pmod
 *  needs an absolute path, so a relative FILE is joined to this process's
 *  working directory, which names the place the operator means only when
 *  pmod runs on the same machine (the help says so).  A backup of a large
 *  store takes a while: the command's default timeout is ten minutes
 *  (PMOCTL_CMD_SLOW in the command table), so a ping with the ordinary
 *  timeout goes first: a pmod that is down, stopped or at a wrong endpoint
 *  is reported in seconds, not after ten minutes. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "pmo/pmo_error.h"
#include "pmo/pmo_json.h"
#include "pmoctl.h"

/*  Writes file as an absolute path into buf: unchanged when it starts with
 *  "/", else cwd + "/" + file without its leading "./".  Returns PMO_OK, or
 *  prints the error line and returns PMO_EINVAL. */
static int
s_absolute (const char *file, char *buf, size_t n)
{
    if (file[0] == '/') {
        if (!pmo_strlcpy (buf, file, n)) {
            pmoctl_fail ("backup: %s: path too long", file);
            return PMO_EINVAL;
        }
        return PMO_OK;
    }
    char cwd[PATH_MAX];
    if (!getcwd (cwd, sizeof cwd)) {
        pmoctl_fail ("backup: %s: cannot tell the working directory (%s); give an absolute path",
                     file, pmo_strerror (errno));
        return PMO_EINVAL;
    }
    while (file[0] == '.' && file[1] == '/') {
        file += 2;
        while (*file == '/')
            file++;
    }
    bool is_root = streq (cwd, "/");
    int len = snprintf (buf, n, "%s%s%s", cwd, is_root ? "" : "/", file);
    if (len < 0 || (size_t) len >= n) {
        pmoctl_fail ("backup: %s: path too long", file);
        return PMO_EINVAL;
    }
    return PMO_OK;
}

/*  When the backup may wait longer than PMO_DEFAULT_TIMEOUT_MS, a ping
 *  within that on the connection the backup then uses.  Returns
 *  PMOCTL_EXIT_OK, or the exit code with its one line on stderr. */
static int
s_reachable (pmoctl_t *ctl)
{
    int full = ctl->timeout_ms;
    if (full <= PMO_DEFAULT_TIMEOUT_MS)
        return PMOCTL_EXIT_OK;  /* the backup's own wait is as short */
    Pmo__Ping ping = PMO__PING__INIT;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_PING;
    req.ping = &ping;
    Pmo__Reply *reply = NULL;
    ctl->timeout_ms = PMO_DEFAULT_TIMEOUT_MS;
    int rc = pmoctl_query (ctl, &req, PMO__REPLY__BODY_PONG, &reply);
    ctl->timeout_ms = full;
    pmo_wire_free (reply);
    return rc;
}

int
cmd_backup (pmoctl_t *ctl)
{
    const char *file = ctl->args[0];
    size_t len = strlen (file);
    if (len == 0 || file[len - 1] == '/' || streq (file, ".") || streq (file, ".."))
        return pmoctl_fail ("backup: '%s' is not a file name", file);
    char path[PATH_MAX];
    if (s_absolute (file, path, sizeof path) != PMO_OK)
        return PMOCTL_EXIT_USAGE;
    Pmo__Backup backup = PMO__BACKUP__INIT;
    backup.path = path;
    Pmo__Request req = PMO__REQUEST__INIT;
    req.body_case = PMO__REQUEST__BODY_BACKUP;
    req.backup = &backup;
    int rc = s_reachable (ctl);
    if (rc)
        return rc;
    Pmo__Reply *reply = NULL;
    rc = pmoctl_call (ctl, &req, &reply);
    if (rc)
        return rc;
    if (ctl->format == OUT_JSON) {
        json_object *obj = json_object_new_object ();
        json_object_object_add (obj, "ok", json_object_new_boolean (1));
        json_object_object_add (obj, "path", json_object_new_string (path));
        out_json_print (obj, stdout);
        json_object_put (obj);
    } else {
        printf ("backup written to %s\n", path);
    }
    pmo_wire_free (reply);
    return PMOCTL_EXIT_OK;
}
