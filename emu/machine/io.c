/*
 * io.c - I/O requests as work in the schedule (machine.h): a request's
 * hops become steps, each kernel work on the requesting domain's core or
 * a request to a driver/service VM's own vCPU running the service image;
 * each waits for the approach to run whoever does it. Also the service
 * vCPUs' construction and their request ring.
 */
#include "machine/machine_int.h"

#include "abi/svc.h"
#include "cpu/elf_load.h"
#include "sim/error.h"

uint64_t machine_domain_label(const Machine *m, int domain)
{
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return 0;
    return 1ull << (unsigned)m->domains[domain].level;
}

void machine_label(Machine *m, int kernel, uint64_t labels, const VirtCharge *c)
{
    if (kernel >= 0 && (size_t)kernel < m->n_kernels)
        m->kernels[kernel].labels |= labels;
    if (c && (c->hypercalls || c->smcs || c->vm_switches || c->world_switches ||
              c->virq))
        for (size_t k = 0; k < m->n_kernels; k++)
            if (m->kernels[k].kind == VIRT_KERNEL_HYPERVISOR)
                m->kernels[k].labels |= labels;
}

int machine_vcpu_kernel_of(const Machine *m, const MachineVcpu *mv)
{
    return mv->kernel >= 0 ? mv->kernel : m->domains[mv->domain].kernel;
}

bool machine_io_pending(const Machine *m, const MachineVcpu *mv)
{
    return mv->kernel >= 0 && m->kernels[mv->kernel].q_head != NULL;
}

bool machine_io_kernel_pending(const Machine *m, const MachineVcpu *mv)
{
    if (mv->kernel >= 0)
        return m->kernels[mv->kernel].kq_head != NULL;
    const MachineDomain *d = &m->domains[mv->domain];
    return d->kq_head != NULL && d->kvcpu == mv->index;
}

static void io_unlink(Machine *m, MachineIo *io)
{
    if (io->all_prev)
        io->all_prev->all_next = io->all_next;
    else
        m->io_all = io->all_next;
    if (io->all_next)
        io->all_next->all_prev = io->all_prev;
}

static void enqueue(MachineIo **head, MachineIo **tail, MachineIo *io)
{
    io->next = NULL;
    if (*tail)
        (*tail)->next = io;
    else
        *head = io;
    *tail = io;
}

static MachineIo *dequeue(MachineIo **head, MachineIo **tail)
{
    MachineIo *io = *head;
    if (io) {
        *head = io->next;
        if (!*head)
            *tail = NULL;
        io->next = NULL;
    }
    return io;
}

/* The request's next step starts (or its completion runs) now. */
static void io_step(Sim *sim, void *ctx, hs_time now)
{
    (void)sim;
    MachineIo *io = ctx;
    Machine *m = io->m;
    if (!io->fired && io->step >= io->done_after) {
        io->fired = true;
        if (io->fn)
            io->fn(io->ctx, now, io->ok);
    }
    if (io->step >= io->n_steps) {
        io_unlink(m, io);
        free(io);
        return;
    }
    MachineIoStep *st = &io->steps[io->step];
    io->started = false;
    io->left = st->charge.cycles;
    if (st->vm) {
        MachineKernel *k = &m->kernels[st->kernel];
        enqueue(&k->q_head, &k->q_tail, io);
    } else if (io->kvm >= 0) {
        MachineKernel *k = &m->kernels[io->kvm];
        enqueue(&k->kq_head, &k->kq_tail, io);
    } else {
        MachineDomain *d = &m->domains[io->domain];
        enqueue(&d->kq_head, &d->kq_tail, io);
    }
    machine_wake(m, now); /* a request is a wake source (an interrupt) */
    machine_kick(m);
}

static bool path_encrypts(const VirtHop *h, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (h[i].encrypts)
            return true;
    return false;
}

/* The current step ended at t: the next one starts then. */
static void step_done(Machine *m, MachineIo *io, hs_time t)
{
    io->step++;
    hs_time now = sim_now(m->sim);
    sim_schedule_at(m->sim, &io->ev, t > now ? t : now);
}

size_t machine_io_path(Machine *m, int domain, VirtIoKind kind, uint64_t bytes,
                       VirtHop *hops)
{
    memset(hops, 0, sizeof(VirtHop) * VIRT_MAX_HOPS);
    for (size_t i = 0; i < VIRT_MAX_HOPS; i++)
        hops[i].kernel = -1;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return 0;
    size_t n = m->ops->io_path(m, domain, kind, bytes, hops);
    VirtMicCheck chk;
    if (kind == VIRT_IO_AUDIO && m->ops->mic_check &&
        m->ops->mic_check(m, domain, &chk)) {
        /* the check runs in the kernel that holds the audio device */
        for (size_t i = 0; i < n; i++)
            if (hops[i].kernel == chk.kernel) {
                VirtCharge *c = &hops[i].charge;
                c->syscalls += chk.charge.syscalls;
                c->hypercalls += chk.charge.hypercalls;
                c->smcs += chk.charge.smcs;
                c->mmio_traps += chk.charge.mmio_traps;
                c->world_switches += chk.charge.world_switches;
                c->mac_checks += chk.charge.mac_checks;
                c->virq += chk.charge.virq;
                c->copies_bytes += chk.charge.copies_bytes;
                break;
            }
    }
    return n;
}

static const char *io_what(VirtIoKind kind, MachineIoDir dir)
{
    switch (kind) {
    case VIRT_IO_NET:
        return dir == MACHINE_IO_IN ? "net in" : "net out";
    case VIRT_IO_DISPLAY:
        return "display";
    case VIRT_IO_GPU:
        return "gpu list";
    case VIRT_IO_STORAGE:
        return dir == MACHINE_IO_IN ? "storage in" : "storage out";
    case VIRT_IO_AUDIO:
        return dir == MACHINE_IO_IN ? "audio in" : "audio out";
    }
    return "io";
}

/* Runs the n hops h of a request of bytes for domain (machine_io); what
 * names its kernel work in the trace. */
static int io_run(Machine *m, const char *what, int domain, const VirtHop *h,
                  size_t n, MachineIoDir dir, uint64_t bytes, hs_time when,
                  MachineIoDone fn, void *ctx)
{
    MachineIo *io = calloc(1, sizeof *io);
    if (!io)
        return -1;
    io->m = m;
    io->domain = domain;
    io->kvm = -1;
    io->bytes = bytes;
    io->what = what;
    io->fn = fn;
    io->ctx = ctx;
    io->ok = true;
    /* The hops that are work, in the order the request meets them. */
    size_t order[VIRT_MAX_HOPS], k = 0;
    for (size_t i = 0; i < n; i++)
        if (h[i].kernel >= 0 && (size_t)h[i].kernel < m->n_kernels)
            order[k++] = i;
    bool any_vm = false;
    /* The data's label on each step: the domain's, and unclassified (the
     * lowest level) on the far side of a hop that encrypts; that hop
     * holds both. */
    uint64_t plain = machine_domain_label(m, domain), sealed = 1ull;
    bool past = false; /* met the encrypting hop, from the data's source */
    for (size_t j = 0; j < k; j++) {
        const VirtHop *hp = &h[order[dir == MACHINE_IO_IN ? k - 1 - j : j]];
        MachineIoStep *st = &io->steps[io->n_steps++];
        st->kernel = hp->kernel;
        st->vm = m->kernels[hp->kernel].vcpu >= 0;
        st->op = hp->op;
        st->charge = hp->charge;
        if (hp->encrypts) {
            st->labels = plain | sealed;
            past = true;
        } else {
            bool cipher = dir == MACHINE_IO_OUT ? past : !past;
            st->labels = cipher && path_encrypts(h, n) ? sealed : plain;
        }
        any_vm |= st->vm;
        if (!st->vm)
            st->charge.vm_switches = 0; /* a real switch, if any, is paid
                                           where a core changes kernel */
    }
    io->done_after = io->n_steps;
    if (any_vm) {
        /* The VM tells the domain (a virtual IRQ, handled by the domain's
         * kernel in its own window): on the way in, with the kernel's
         * own step; on the way out, after the packet is at the device. */
        VirtCharge virq = {.virq = 1};
        if (dir == MACHINE_IO_IN && io->n_steps > 0 &&
            !io->steps[io->n_steps - 1].vm) {
            io->steps[io->n_steps - 1].charge.virq++;
        } else {
            MachineIoStep *st = &io->steps[io->n_steps++];
            st->kernel = m->domains[domain].kernel;
            st->vm = false;
            st->labels = plain;
            st->charge = virq;
        }
    }
    for (size_t j = 0; j < io->n_steps; j++)
        approach_price(m->op_cycles, &io->steps[j].charge);
    io->all_next = m->io_all;
    if (m->io_all)
        m->io_all->all_prev = io;
    m->io_all = io;
    sim_event_init(&io->ev, "machine.io", io_step, io, 0);
    hs_time now = sim_now(m->sim);
    sim_schedule_at(m->sim, &io->ev, when > now ? when : now);
    return 0;
}

int machine_io(Machine *m, int domain, VirtIoKind kind, MachineIoDir dir,
               uint64_t bytes, hs_time when, MachineIoDone fn, void *ctx,
               VirtHop *hops, size_t *n_hops)
{
    return machine_io_named(m, NULL, domain, kind, dir, bytes, when, fn, ctx,
                            hops, n_hops);
}

int machine_io_named(Machine *m, const char *what, int domain, VirtIoKind kind,
                     MachineIoDir dir, uint64_t bytes, hs_time when,
                     MachineIoDone fn, void *ctx, VirtHop *hops, size_t *n_hops)
{
    VirtHop local[VIRT_MAX_HOPS];
    VirtHop *h = hops ? hops : local;
    size_t n = machine_io_path(m, domain, kind, bytes, h);
    if (n_hops)
        *n_hops = n;
    if (domain < 0 || (size_t)domain >= m->n_domains)
        return -1;
    return io_run(m, what ? what : io_what(kind, dir), domain, h, n, dir, bytes,
                  when, fn, ctx);
}

int machine_switch_domain(Machine *m, int to, uint64_t bytes, hs_time when,
                          MachineIoDone fn, void *ctx, VirtHop *hops,
                          size_t *n_hops)
{
    VirtHop local[VIRT_MAX_HOPS];
    VirtHop *h = hops ? hops : local;
    memset(h, 0, sizeof(VirtHop) * VIRT_MAX_HOPS);
    for (size_t i = 0; i < VIRT_MAX_HOPS; i++)
        h[i].kernel = -1;
    if (n_hops)
        *n_hops = 0;
    if (to < 0 || (size_t)to >= m->n_domains || !m->ops->switch_domain)
        return -1;
    size_t n = m->ops->switch_domain(m, m->foreground, to, bytes, h);
    if (n > VIRT_MAX_HOPS)
        return -1;
    if (n_hops)
        *n_hops = n;
    return io_run(m, "switch", to, h, n, MACHINE_IO_OUT, bytes, when, fn, ctx);
}

/* Kernel work runs on the domain's core: booked to the kernel
 * pseudo-domain, between t and until at most (the rest waits for the
 * domain's next turn). */
hs_time machine_io_kernel_run(Machine *m, MachineCore *c, MachineVcpu *mv,
                              hs_time t, hs_time until)
{
    MachineIo **head, **tail;
    if (mv->kernel >= 0) {
        head = &m->kernels[mv->kernel].kq_head;
        tail = &m->kernels[mv->kernel].kq_tail;
    } else {
        head = &m->domains[mv->domain].kq_head;
        tail = &m->domains[mv->domain].kq_tail;
    }
    uint64_t khz = dvfs_cur_khz(&m->dvfs, c->cluster);
    int kd = (int)m->n_domains;
    bool ran = false;
    hs_time t0 = t;
    while (*head && t < until) {
        MachineIo *io = *head;
        MachineIoStep *st = &io->steps[io->step];
        if (!io->started) {
            io->started = true;
            machine_label(m, st->kernel, st->labels, &st->charge);
            machine_counts_add(m, &st->charge);
            machine_note_switch(m, c->index, m->kernels[st->kernel].name, false,
                                &st->charge, t);
        }
        hs_time need = cycles_to_ps(io->left, khz);
        if (!ran) {
            dvfs_core_run(&m->dvfs, c->cluster, c->core_in, kd, t);
            ran = true;
        }
        if (t + need > until) {
            /* part of it now, the rest in the domain's next turn */
            uint64_t did = hs_muldiv_sat(until - t, khz, 1000000000u);
            io->left = did < io->left ? io->left - did : 0;
            if (m->kwork_fn && until > t)
                m->kwork_fn(m->kwork_ctx, c->index, mv->index, io->what, t,
                            until);
            t = until;
            break;
        }
        if (m->kwork_fn && need > 0)
            m->kwork_fn(m->kwork_ctx, c->index, mv->index, io->what, t,
                        t + need);
        t += need;
        io->left = 0;
        dequeue(head, tail);
        step_done(m, io, t);
    }
    if (ran)
        dvfs_core_stop(&m->dvfs, c->cluster, c->core_in, t > t0 ? t : t0 + 1);
    return t;
}

int machine_io_housekeeping(Machine *m, int k, uint64_t cycles)
{
    MachineKernel *kn = &m->kernels[k];
    int domain = -1, n = 0;
    for (size_t d = 0; d < m->n_domains; d++)
        if (m->domains[d].kernel == k) {
            domain = (int)d;
            n++;
        }
    if (kn->vcpu < 0 && n != 1)
        return -1; /* a kernel shared by domains, or with no vCPU */
    MachineIo *io = calloc(1, sizeof *io);
    if (!io)
        return -1;
    io->m = m;
    io->domain = kn->vcpu >= 0 ? -1 : domain;
    io->kvm = kn->vcpu >= 0 ? k : -1;
    io->what = "housekeeping";
    io->ok = true;
    io->n_steps = io->done_after = 1;
    io->steps[0].kernel = k;
    io->steps[0].charge.cycles = cycles;
    io->all_next = m->io_all;
    if (m->io_all)
        m->io_all->all_prev = io;
    m->io_all = io;
    sim_event_init(&io->ev, "machine.io", io_step, io, 0);
    sim_schedule_at(m->sim, &io->ev, sim_now(m->sim));
    return 0;
}

int machine_io_vm_enter(Machine *m, MachineVcpu *mv)
{
    MachineKernel *k = &m->kernels[mv->kernel];
    MachineIo *io = dequeue(&k->q_head, &k->q_tail);
    if (!io)
        return -1;
    MachineIoStep *st = &io->steps[io->step];
    k->cur = io;
    unsigned slot = (unsigned)(k->seq % HS_SVC_RING_SLOTS);
    HsSvcReq *r =
        guest_mem_ptr(k->mem, HS_SVC_RING_BASE + slot * sizeof *r, sizeof *r);
    if (r) {
        r->op = (uint32_t)st->op;
        r->status = HS_SVC_POSTED;
        r->bytes = io->bytes;
        r->seq = k->seq;
        r->done = 0;
    }
    k->seq++;
    /* the hop's charge (the front end's hypercall) and the virtual
     * interrupt that enters the VM, on the VM's vCPU */
    VirtCharge ch = st->charge;
    ch.cycles = 0;
    m->ops->deliver(m, io->domain, &ch);
    approach_price(m->op_cycles, &ch);
    machine_counts_add(m, &ch);
    machine_label(m, mv->kernel, st->labels, &ch);
    if (ch.cycles)
        vcpu_set_time(
            mv->v, hs_add_sat(vcpu_local_time(mv->v),
                              cycles_to_ps(ch.cycles, vcpu_freq_khz(mv->v))));
    io->started = true;
    vcpu_enter(mv->v, HS_SVC_EV_REQUEST, slot, 0);
    return 0;
}

void machine_io_vm_done(Machine *m, MachineVcpu *mv, bool ok, hs_time t)
{
    MachineKernel *k = &m->kernels[mv->kernel];
    MachineIo *io = k->cur;
    k->cur = NULL;
    if (io) {
        if (ok) {
            unsigned slot = (unsigned)((k->seq - 1) % HS_SVC_RING_SLOTS);
            const HsSvcReq *r = guest_mem_ptr(
                k->mem, HS_SVC_RING_BASE + slot * sizeof *r, sizeof *r);
            ok = r && r->status == HS_SVC_DONE && r->done == io->bytes;
        }
        io->ok &= ok;
        step_done(m, io, t);
    }
    if (!ok && mv->faulted) {
        /* a dead VM serves nothing more: what waits for it fails */
        MachineIo *w;
        while ((w = dequeue(&k->q_head, &k->q_tail)) != NULL) {
            w->ok = false;
            step_done(m, w, t);
        }
    }
}

void machine_io_free_all(Machine *m)
{
    while (m->io_all) {
        MachineIo *io = m->io_all;
        m->io_all = io->all_next;
        free(io);
    }
}

int machine_io_build_vms(Machine *m, const char *image, char *err,
                         size_t err_size)
{
    for (size_t i = 0; i < m->n_kernels; i++) {
        MachineKernel *k = &m->kernels[i];
        k->vcpu = -1;
        if (k->kind != VIRT_KERNEL_DRIVER_VM &&
            k->kind != VIRT_KERNEL_SERVICE_VM)
            continue;
        if (m->n_vcpus >= MACHINE_MAX_VCPUS)
            return hs_errorf(err, err_size, "too many vCPUs (max %d)",
                             MACHINE_MAX_VCPUS);
        k->mem = guest_mem_new(m->shm);
        if (!k->mem)
            return hs_errorf(err, err_size, "out of memory");
        ElfImage img;
        uint64_t entry = 0;
        char e2[256];
        if (elf_load_domain(image, k->mem, &img, e2, sizeof e2) < 0)
            return hs_errorf(err, err_size,
                             "%s (the image of the driver and service VMs, "
                             "e.g. %s): %s",
                             image, k->name, e2);
        if (elf_symbol(&img, "hs_entry", &entry) < 0) {
            elf_image_free(&img);
            return hs_errorf(err, err_size, "%s: no symbol hs_entry", image);
        }
        elf_image_free(&img);
        snprintf(m->service_image, sizeof m->service_image, "%s", image);
        MachineVcpu *mv = &m->vcpus[m->n_vcpus];
        mv->m = m;
        mv->index = (int)m->n_vcpus;
        mv->domain = -1;
        mv->kernel = (int)i;
        mv->core = (unsigned)(m->n_vcpus % m->n_cores);
        const MachineCore *core = &m->cores[mv->core];
        VcpuConfig vc = {
            .domain = MACHINE_VCPU_SERVICE,
            .index = 0,
            .core = &m->core_types[core->cluster],
            .freq_khz = dvfs_cur_khz(&m->dvfs, core->cluster),
            .entry_pc = entry,
            .bus = NULL,
        };
        mv->v = vcpu_new(k->mem, &vc, err, err_size);
        if (!mv->v)
            return -1;
        vcpu_set_trap(mv->v, machine_trap, mv);
        k->vcpu = mv->index;
        m->n_vcpus++;
    }
    return 0;
}
