/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The period a metrics query covers, as the CLI's --window / --since and
 * the HTTP API's ?window= / ?since= give it:
 *
 *   window DUR        the last DUR up to now (default FM_PERIOD_DEFAULT)
 *   since DUR         the same as window DUR
 *   since TIME        from TIME up to now: Unix seconds ("1764158400") or
 *                     UTC "YYYY-MM-DDTHH:MM:SSZ" / "YYYY-MM-DD HH:MM:SS"
 *
 * DUR is what fm_parse_duration() takes (10s, 5m, 24h, 7d).  Giving both
 * window and since is refused.
 */
#ifndef FLOWMESH_LIB_PERIOD_H
#define FLOWMESH_LIB_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#define FM_PERIOD_DEFAULT	"1m"

/*
 * @window and @since may be NULL.  Sets [*from_s, *to_s) with to_s =
 * @now_s.  0, or -EINVAL with the reason in @err (naming the option as
 * "window" or "since").
 */
int fm_period_parse(const char *window, const char *since, uint64_t now_s,
		    uint64_t *from_s, uint64_t *to_s, char *err, size_t errlen);

#endif /* FLOWMESH_LIB_PERIOD_H */
