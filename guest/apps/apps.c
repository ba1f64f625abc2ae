/*
 * apps.c - dispatch tables for HS_EV_WORKLOAD and HS_EV_CALL, and the
 * guest side of the pure workloads of guest/lib/wl.c.
 *
 * Workload scratch memory is on the calling vCPU's stack (at most
 * WL_MAIL_SCRATCH_BYTES = 30 KiB of its HS_STACK_SIZE = 64 KiB), so
 * vCPUs running workloads at once never share it. The ui workload draws
 * into the domain framebuffer at HS_FB_BASE, which the host must map
 * (it is one per domain: run one ui composer per domain at a time).
 */
#include "apps/apps.h"

#include "apps/phone.h"
#include "lib/wl.h"
#include "platform.h"

static uint64_t run_crypto(uint32_t n)
{
    uint8_t scratch[WL_CRYPTO_SCRATCH_BYTES] __attribute__((aligned(16)));
    return wl_crypto(n, scratch);
}

static uint64_t run_voice(uint32_t n)
{
    uint8_t scratch[WL_VOICE_SCRATCH_BYTES] __attribute__((aligned(16)));
    return wl_voice(n, scratch);
}

static uint64_t run_mail(uint32_t n)
{
    uint8_t scratch[WL_MAIL_SCRATCH_BYTES] __attribute__((aligned(16)));
    return wl_mail(n, scratch);
}

_Static_assert(WL_UI_FB_BYTES <= HS_FB_SIZE, "ui frame exceeds HS_FB_SIZE");

static uint64_t run_ui(uint32_t n)
{
    return wl_ui(n, (void *)(uintptr_t)HS_FB_BASE);
}

_Static_assert(WL_GL_SCRATCH_BYTES <= HS_FB_SIZE, "gl scratch exceeds FB");

/* The gl workload's frame, texture and list in the framebuffer area. */
static uint64_t run_gl(uint32_t n)
{
    return wl_gl(n, (void *)(uintptr_t)HS_FB_BASE);
}

static const struct {
    uint32_t id;         /* HS_WL_* */
    AppWorkloadFunc run; /* driver */
} workloads[] = {
    {.id = HS_WL_CRYPTO, .run = run_crypto},
    {.id = HS_WL_VOICE, .run = run_voice},
    {.id = HS_WL_MAIL, .run = run_mail},
    {.id = HS_WL_UI, .run = run_ui},
    {.id = HS_WL_GL, .run = run_gl},
    {.id = HS_WL_COVERT_TX, .run = covert_workload_tx},
    {.id = HS_WL_COVERT_RX, .run = covert_workload_rx},
};

static const struct {
    uint32_t id;      /* HS_CALL_* */
    AppCallFunc call; /* handler */
} calls[] = {
    {.id = HS_CALL_AEAD_SEAL, .call = crypto_call},
    {.id = HS_CALL_AEAD_OPEN, .call = crypto_call},
    {.id = HS_CALL_VOICE_ENCODE, .call = voice_call},
    {.id = HS_CALL_VOICE_DECODE, .call = voice_call},
    {.id = HS_CALL_MAIL_PARSE, .call = mail_call},
    {.id = HS_CALL_UI_COMPOSE, .call = ui_call},
    {.id = HS_CALL_UI_DOCUMENT, .call = ui_document_call},
    {.id = HS_CALL_GL_FRAME, .call = gl_call},
    {.id = HS_CALL_COVERT_TX, .call = covert_call},
    {.id = HS_CALL_COVERT_RX, .call = covert_call},
    {.id = HS_CALL_PHONE_ANSWER, .call = phone_call},
    {.id = HS_CALL_PHONE_HANGUP, .call = phone_call},
    {.id = HS_CALL_PHONE_DIAL, .call = phone_call},
    {.id = HS_CALL_MAIL_SYNC, .call = mail_sync_call},
    {.id = HS_CALL_NET_GET, .call = net_get_call},
    {.id = HS_CALL_TUN_SEAL, .call = crypto_tun_call},
    {.id = HS_CALL_TUN_OPEN, .call = crypto_tun_call},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

uint64_t app_workload(uint64_t id, uint64_t n)
{
    if (n > 0xffffffffu)
        return (uint64_t)(int64_t)HS_EINVAL;
    for (uint32_t i = 0; i < COUNT(workloads); i++)
        if (workloads[i].id == id)
            return workloads[i].run((uint32_t)n);
    return (uint64_t)(int64_t)HS_EINVAL;
}

int64_t app_call(uint64_t id, uint64_t req_addr)
{
    if (req_addr == 0)
        return HS_EINVAL;
    for (uint32_t i = 0; i < COUNT(calls); i++)
        if (calls[i].id == id)
            return calls[i].call(id, req_addr);
    return HS_EINVAL;
}
