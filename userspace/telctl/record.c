// SPDX-License-Identifier: GPL-2.0
/*
 * record.c - a call's record, for people and for scripts
 */
#include <inttypes.h>
#include <time.h>

#include "telctl.h"

static const char *str(const char *s)
{
	return s ? s : "?";
}

void record_print(const struct tel_call_record *r,
		  const struct tel_call_party_info *p, FILE *f)
{
	bool out = r->direction == TEL_DIR_OUTBOUND;
	char when[64] = "-";
	time_t t = (time_t)(r->start_realtime_ns / 1000000000ull);
	struct tm tm;

	if (r->start_realtime_ns && gmtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fprintf(f, "call %" PRIu32 " on tel%" PRIu32 " channel %" PRIu32
		": %s %s %s\n", r->handle, r->card, r->channel,
		out ? "outbound" : "inbound", out ? "to" : "from",
		or_dash(out ? r->called : r->calling));
	fprintf(f, "  state         %s\n", str(tel_state_name(r->state)));
	fprintf(f, "  ended by      %s", str(tel_origin_name(r->origin)));
	if (r->disconnect_mode)
		fprintf(f, ", %s", mode_str(r->disconnect_mode));
	if (r->app_reason)
		fprintf(f, ", reason %" PRIu32, r->app_reason);
	fprintf(f, "\n  started       %s\n", when);
	fprintf(f, "  connected     %.3f s%s\n", r->duration_ns / 1e9,
		r->connect_ns ? "" : " (never connected)");
	fprintf(f, "  received      %" PRIu64 " frames, %" PRIu64
		" bytes, %" PRIu64 " overruns\n",
		r->rx_frames, r->rx_bytes, r->rx_overruns);
	fprintf(f, "  sent          %" PRIu64 " frames, %" PRIu64
		" bytes, %" PRIu64 " underruns\n",
		r->tx_frames, r->tx_bytes, r->tx_underruns);
	fprintf(f, "  unread        %" PRIu32 " bytes\n", r->rx_pending);
	fprintf(f, "  dma_bytes     %" PRIu32 "%s\n", r->dma_bytes,
		r->state == TEL_CALL_IDLE && r->dma_bytes ?
		" (held until the call is deallocated)" : "");
	if (p) {
		if (!out)
			fprintf(f, "  presentation  %s\n  calling name  %s\n",
				str(tel_presentation_name(p->presentation)),
				or_dash(p->name));
		fprintf(f, "  digits sent   %s (%" PRIu32 ")\n",
			or_dash(p->digits_tx), p->digits_tx_count);
		fprintf(f, "  digits heard  %s (%" PRIu32 ")\n",
			or_dash(p->digits_rx), p->digits_rx_count);
		fprintf(f, "  flashes       %" PRIu32 "\n", p->flashes);
	}
	fflush(f);
}

void record_json(const struct tel_call_record *r,
		 const struct tel_call_party_info *p, const char *gathered,
		 FILE *f)
{
	bool first = true;

	fputc('{', f);
	json_kv_u64(f, &first, "handle", r->handle);
	json_kv_u64(f, &first, "card", r->card);
	json_kv_u64(f, &first, "channel", r->channel);
	json_kv_str(f, &first, "state", tel_state_name(r->state));
	json_kv_str(f, &first, "direction", tel_direction_name(r->direction));
	json_kv_str(f, &first, "origin", tel_origin_name(r->origin));
	json_kv_str(f, &first, "disconnect_mode",
		    r->disconnect_mode ? mode_str(r->disconnect_mode) : NULL);
	json_kv_u64(f, &first, "app_reason", r->app_reason);
	json_kv_str(f, &first, "called", r->called);
	json_kv_str(f, &first, "calling", r->calling);
	json_kv_u64(f, &first, "alloc_ns", r->alloc_ns);
	json_kv_u64(f, &first, "connect_ns", r->connect_ns);
	json_kv_u64(f, &first, "disconnect_ns", r->disconnect_ns);
	json_kv_u64(f, &first, "idle_ns", r->idle_ns);
	json_kv_u64(f, &first, "start_realtime_ns", r->start_realtime_ns);
	json_kv_u64(f, &first, "duration_ns", r->duration_ns);
	json_kv_u64(f, &first, "rx_frames", r->rx_frames);
	json_kv_u64(f, &first, "tx_frames", r->tx_frames);
	json_kv_u64(f, &first, "rx_bytes", r->rx_bytes);
	json_kv_u64(f, &first, "tx_bytes", r->tx_bytes);
	json_kv_u64(f, &first, "rx_overruns", r->rx_overruns);
	json_kv_u64(f, &first, "tx_underruns", r->tx_underruns);
	json_kv_u64(f, &first, "dma_bytes", r->dma_bytes);
	json_kv_u64(f, &first, "rx_pending", r->rx_pending);
	if (p) {
		json_kv_str(f, &first, "presentation",
			    tel_presentation_name(p->presentation));
		json_kv_str(f, &first, "calling_name", p->name);
		json_kv_str(f, &first, "digits_tx", p->digits_tx);
		json_kv_u64(f, &first, "digits_tx_count", p->digits_tx_count);
		json_kv_str(f, &first, "digits_rx", p->digits_rx);
		json_kv_u64(f, &first, "digits_rx_count", p->digits_rx_count);
		json_kv_u64(f, &first, "flashes", p->flashes);
	}
	if (gathered)
		json_kv_str(f, &first, "gathered", gathered);
	fputs("}\n", f);
	fflush(f);
}
