// SPDX-License-Identifier: GPL-2.0
/*
 * tel_mmap.c - a call's audio rings mapped into its owner's address space
 *
 * TEL_IOC_CALL_MAP hands out an mmap() offset for one call of the file
 * (DRM GEM's way: a card-wide map number, never reused, times the pages
 * of one mapping).  The mapping is a control page (struct tel_map_ctl, a
 * page of ordinary kernel memory: never the card's registers) and the
 * call's ring page, in place.  The owner reads and writes audio there and
 * moves its two indices in the control page; TEL_IOC_CALLS_SYNC takes
 * every mapped call's indices to the card and brings the card's back, so
 * a program with N calls makes one system call per block for all of
 * them, not N.  The watermark wheel writes the card's indices into the
 * control page of a call whose TEL_EVENT_AUDIO_READY it queues.
 *
 * The control page is userspace's to write: the driver never reads its
 * own fields back from it (it keeps what it published in struct tel_map),
 * and reads the owner's two once (READ_ONCE), checked against call->pos
 * before anything reaches the card or call->pos: the card never sees an
 * index the driver did not already allow.
 *
 * Revocation.  Pages are inserted by the fault handler, never by mmap():
 * an mmap() that inserted them could race a revocation between its
 * ->mmap and the moment the new vma is linked where unmap_mapping_range()
 * finds it, leaving a page table entry to memory about to be freed.  The
 * fault handler looks the map up under card->lock; revocation takes the
 * map out of card->maps under card->lock and zaps every mapping of its
 * offset (unmap_mapping_range() on the owner file's address_space) before
 * the memory goes.  A later access faults, finds no map, and gets
 * SIGBUS.  The ring page alone is zapped when the rings move (card
 * removal: the next access maps the ordinary-memory copy).
 *
 * Lock order: mmap_lock (the fault, mmap()) comes before card->lock;
 * nothing in the driver touches user memory under card->lock, and
 * unmap_mapping_range() under card->lock takes only the address_space's
 * i_mmap lock and page-table locks.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "tel.h"

static_assert(sizeof(struct tel_call_map) == 48);
static_assert(sizeof(struct tel_map_ctl) == 128);
static_assert(sizeof(struct tel_calls_sync) == 16);

#define TEL_MAP_RING_PAGES	(TEL_CALL_DMA_BYTES / PAGE_SIZE)
#define TEL_MAP_PAGES		(1 + TEL_MAP_RING_PAGES)
/* map numbers whose offset fits a loff_t */
#define TEL_MAP_LIMIT		((LLONG_MAX >> PAGE_SHIFT) / TEL_MAP_PAGES)

/**
 * struct tel_map - a mapped call
 * @call: the call (alive while the map is in card->maps)
 * @tf: the file that owns the call and may map it
 * @mapping: that file's address_space, where its mappings are zapped
 * @nr: map number: the mapping's page offset is @nr * TEL_MAP_PAGES
 * @ctl: the control page
 * @rx_head: the rx_head published in @ctl (under card->wm_lock)
 * @tx_tail: the tx_tail published (the same)
 * @seq: the seq published (the same)
 * @bad: owner indices refused (under card->lock)
 */
struct tel_map {
	struct tel_call *call;
	struct tel_file *tf;
	struct address_space *mapping;
	unsigned long nr;
	struct tel_map_ctl *ctl;
	u32 rx_head;
	u32 tx_tail;
	u32 seq;
	u32 bad;
};

void tel_card_map_init(struct tel_card *card)
{
	xa_init(&card->maps);
}

/* Mapped rings need the ring page to be whole pages. */
static bool tel_map_supported(void)
{
	return IS_ALIGNED(TEL_CALL_DMA_BYTES, PAGE_SIZE);
}

/* The page frame of the call's ring page @i, or 0 if it cannot be mapped. */
static unsigned long tel_map_ring_pfn(const struct tel_call *call,
				      unsigned long i)
{
	void *ring = call->ring;

	lockdep_assert_held(&call->card->lock);
	/*
	 * dma_mmap_coherent() can only be called from ->mmap, which cannot
	 * be revoked safely (see the top of this file): the page is
	 * inserted by pfn, which needs the rings in the linear map (the
	 * DMA memory of a device without an IOMMU, and the kmalloc'd copy
	 * after removal, which is page aligned as a power-of-two size).
	 */
	if (!ring || !PAGE_ALIGNED(ring) || !virt_addr_valid(ring))
		return 0;
	return page_to_pfn(virt_to_page(ring + i * PAGE_SIZE));
}

/* Write the driver's fields of the control page.  Under card->wm_lock. */
static void tel_map_publish(struct tel_map *map, u32 flags)
{
	struct tel_map_ctl *ctl = map->ctl;

	lockdep_assert_held(&map->call->card->wm_lock);
	smp_wmb();	/* the audio before the indices that cover it */
	WRITE_ONCE(ctl->rx_head, map->rx_head);
	WRITE_ONCE(ctl->tx_tail, map->tx_tail);
	WRITE_ONCE(ctl->flags, flags);
	WRITE_ONCE(ctl->bad, map->bad);
	WRITE_ONCE(ctl->seq, ++map->seq);
}

/**
 * tel_map_publish_wm() - the wheel read a due call's indices: publish them
 * @call: the call; the caller (the tick) holds card->wm_lock
 *
 * Only the directions the wheel read (its pending ones), and only forward
 * of what was published: the wheel's copy of a direction it did not read
 * may be older than what TEL_IOC_CALLS_SYNC published since.
 */
void tel_map_publish_wm(struct tel_call *call)
{
	struct tel_watermark *wm = &call->wm;
	struct tel_map *map = call->map;

	lockdep_assert_held(&call->card->wm_lock);
	if (!map)
		return;
	if ((wm->pending & TEL_WATERMARK_RX) &&
	    (s32)(wm->rx_head - map->rx_head) > 0)
		map->rx_head = wm->rx_head;
	if ((wm->pending & TEL_WATERMARK_TX) &&
	    (s32)(wm->tx_tail - map->tx_tail) > 0)
		map->tx_tail = wm->tx_tail;
	tel_map_publish(map, READ_ONCE(map->ctl->flags));
}

/* Zap pages [@first, @first + @n) of every mapping of @map. */
static void tel_map_zap(struct tel_map *map, unsigned long first,
			unsigned long n)
{
	loff_t off = (loff_t)(map->nr * TEL_MAP_PAGES + first) << PAGE_SHIFT;

	unmap_mapping_range(map->mapping, off, (loff_t)n << PAGE_SHIFT, 1);
}

/**
 * tel_call_unmap() - revoke the call's mapping, free its control page
 * @call: the call; the caller holds card->lock
 *
 * Every mapping of it gets SIGBUS from now on, and its offset is never
 * handed out again.  Called when the call is deallocated, changes owner,
 * or its file is released, and before it is freed.
 */
void tel_call_unmap(struct tel_call *call)
{
	struct tel_card *card = call->card;
	struct tel_map *map = call->map;
	unsigned long flags;

	lockdep_assert_held(&card->lock);
	if (!map)
		return;
	xa_erase(&card->maps, map->nr);
	spin_lock_irqsave(&card->wm_lock, flags);
	call->map = NULL;
	spin_unlock_irqrestore(&card->wm_lock, flags);
	/* no fault can map it again: it is no longer in card->maps */
	tel_map_zap(map, 0, TEL_MAP_PAGES);
	free_page((unsigned long)map->ctl);
	kfree(map);
}

/**
 * tel_call_unmap_ring() - the call's rings are about to be freed or moved
 * @call: the call; the caller holds card->lock
 *
 * The ring pages of its mapping are zapped; the next access faults in
 * whatever call->ring is then (the ordinary-memory copy after removal),
 * or gets SIGBUS if there is none.
 */
void tel_call_unmap_ring(struct tel_call *call)
{
	lockdep_assert_held(&call->card->lock);
	if (call->map)
		tel_map_zap(call->map, 1, TEL_MAP_RING_PAGES);
}

static vm_fault_t tel_map_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct tel_file *tf = vma->vm_file->private_data;
	struct tel_card *card = tf->card;
	unsigned long page = vmf->pgoff % TEL_MAP_PAGES, pfn = 0;
	struct tel_map *map;
	vm_fault_t ret = VM_FAULT_SIGBUS;

	mutex_lock(&card->lock);
	map = xa_load(&card->maps, vmf->pgoff / TEL_MAP_PAGES);
	if (map && map->tf == tf)
		pfn = page ? tel_map_ring_pfn(map->call, page - 1) :
			     page_to_pfn(virt_to_page(map->ctl));
	if (pfn)
		ret = vmf_insert_pfn(vma, vmf->address, pfn);
	mutex_unlock(&card->lock);
	return ret;
}

/* vm_flags_mod() where the kernel has it (Kbuild looks), else by hand */
static void tel_vma_flags(struct vm_area_struct *vma, vm_flags_t set,
			  vm_flags_t clear)
{
#ifdef TEL_HAVE_VM_FLAGS_MOD
	vm_flags_mod(vma, set, clear);
#else
	vma->vm_flags = (vma->vm_flags | set) & ~clear;
#endif
}

static const struct vm_operations_struct tel_map_vm_ops = {
	.fault = tel_map_fault,
};

/**
 * tel_file_mmap() - mmap() of /dev/telN: one mapped call, exactly
 * @filp: the file
 * @vma: from the offset TEL_IOC_CALL_MAP gave, its length, MAP_SHARED
 *
 * Nothing is mapped here: the fault handler inserts the pages.  The
 * mapping is not inherited by fork() (VM_DONTCOPY: the child has no
 * mapping there) and can never be executable.
 *
 * Return: 0; -EINVAL for an offset that is no call's (or no longer),
 * a length other than the call's, or MAP_PRIVATE; -EACCES for a call of
 * another file; -EPERM for PROT_EXEC.
 */
int tel_file_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct tel_file *tf = filp->private_data;
	struct tel_card *card = tf->card;
	struct tel_map *map;
	int ret = 0;

	if (vma->vm_pgoff % TEL_MAP_PAGES || vma_pages(vma) != TEL_MAP_PAGES ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (vma->vm_flags & VM_EXEC)
		return -EPERM;
	mutex_lock(&card->lock);
	map = xa_load(&card->maps, vma->vm_pgoff / TEL_MAP_PAGES);
	if (!map)
		ret = -EINVAL;
	else if (map->tf != tf)
		ret = -EACCES;
	mutex_unlock(&card->lock);
	if (ret)
		return ret;
	tel_vma_flags(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP |
		      VM_DONTCOPY, VM_MAYEXEC);
	vma->vm_ops = &tel_map_vm_ops;
	return 0;
}

/* Map @call for @tf, or find its map.  Caller holds card->lock. */
static int tel_map_make(struct tel_call *call, struct tel_file *tf,
			struct address_space *mapping, struct tel_map **out,
			bool *made)
{
	struct tel_card *card = call->card;
	struct tel_map *map;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&card->lock);
	*made = false;
	if (call->map) {
		*out = call->map;
		return 0;
	}
	if (!tel_map_ring_pfn(call, 0))
		return -EOPNOTSUPP;
	if (card->next_map >= TEL_MAP_LIMIT)
		return -ENOSPC;
	map = tel_should_fail() ? NULL : kzalloc(sizeof(*map), GFP_KERNEL);
	if (!map)
		return -ENOMEM;
	map->ctl = (void *)get_zeroed_page(GFP_KERNEL);
	if (!map->ctl) {
		kfree(map);
		return -ENOMEM;
	}
	map->call = call;
	map->tf = tf;
	map->mapping = mapping;
	map->nr = card->next_map + 1;
	ret = xa_insert(&card->maps, map->nr, map, GFP_KERNEL);
	if (ret) {
		free_page((unsigned long)map->ctl);
		kfree(map);
		return ret;
	}
	card->next_map = map->nr;
	/* the owner's indices start where the driver's are */
	map->ctl->rx_tail = call->pos.rx_tail;
	map->ctl->tx_head = call->pos.tx_head;
	spin_lock_irqsave(&card->wm_lock, flags);
	map->rx_head = call->pos.rx_head;
	map->tx_tail = call->pos.tx_tail;
	call->map = map;
	tel_map_publish(map, tel_call_on_card(call) ? TEL_MAP_ON_CARD : 0);
	spin_unlock_irqrestore(&card->wm_lock, flags);
	*out = map;
	*made = true;
	return 0;
}

/*
 * TEL_IOC_CALL_MAP.  A failed call changes nothing: a map made here is
 * revoked again if the offset cannot be copied back (nobody can have
 * mapped an offset it was never told).
 */
int tel_ioctl_call_map(struct file *filp, void __user *uarg)
{
	struct tel_file *tf = filp->private_data;
	struct tel_card *card = tf->card;
	struct tel_call_map req;
	struct tel_call *call;
	struct tel_map *map;
	bool made = false;
	int ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || req.offset || req.length || req.ring_bytes ||
	    req.ctl_offset || req.rx_offset || req.tx_offset ||
	    memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	if (!tel_map_supported())
		return -EOPNOTSUPP;
	call = tel_file_lookup(tf, req.handle);
	if (!call)
		return -ENOENT;
	down_read(&card->hw_rwsem);
	mutex_lock(&call->op_lock);
	if (!tel_file_owns(tf, call)) {
		ret = -ENOENT;	/* exported since the lookup */
		goto out;
	}
	mutex_lock(&card->lock);
	ret = card->gone ? -ENODEV :
	      tel_map_make(call, tf, filp->f_mapping, &map, &made);
	if (!ret) {
		req.offset = (u64)map->nr * TEL_MAP_PAGES << PAGE_SHIFT;
		req.length = TEL_MAP_PAGES * PAGE_SIZE;
		req.ring_bytes = TEL_RING_BYTES;
		req.ctl_offset = 0;
		req.rx_offset = PAGE_SIZE;
		req.tx_offset = PAGE_SIZE + TEL_RING_BYTES;
	}
	mutex_unlock(&card->lock);
	if (!ret && (tel_should_fail_copyout() ||
		     copy_to_user(uarg, &req, sizeof(req)))) {
		ret = -EFAULT;
		if (made) {
			mutex_lock(&card->lock);
			tel_call_unmap(call);
			mutex_unlock(&card->lock);
		}
	}
out:
	mutex_unlock(&call->op_lock);
	up_read(&card->hw_rwsem);
	tel_call_put(call);
	return ret;
}

/*
 * Sync one mapped call: the card's indices in, the owner's (checked) out,
 * then the result published and the watermarks of the directions that
 * moved re-armed, in one wm_lock section.  The caller holds hw_rwsem
 * (read), call->op_lock and card->lock.
 */
static void tel_map_sync_call(struct tel_call *call, struct tel_map *map)
{
	struct tel_card *card = call->card;
	bool on_card = tel_call_on_card(call);
	bool takes = tel_call_takes_audio(call);
	u32 rt, th, moved = 0;
	unsigned long flags;

	lockdep_assert_held(&card->lock);
	/* an impossible card index fails the card: nothing goes to it then */
	if (on_card && tel_ring_sync(card, call, true, true))
		on_card = false;
	rt = READ_ONCE(map->ctl->rx_tail);
	th = READ_ONCE(map->ctl->tx_head);
	if (rt - call->pos.rx_tail > tel_ring_rx_fill(call)) {
		map->bad++;
	} else if (rt != call->pos.rx_tail) {
		tel_ring_rx_consume(card, call, rt - call->pos.rx_tail,
				    on_card);
		moved |= TEL_WATERMARK_RX;
	}
	/* audio written while the card does not run the call waits */
	if (th - call->pos.tx_head > tel_ring_tx_room(call)) {
		map->bad++;
	} else if (th != call->pos.tx_head && on_card && takes) {
		tel_ring_tx_commit(card, call, th - call->pos.tx_head, true);
		moved |= TEL_WATERMARK_TX;
	}
	spin_lock_irqsave(&card->wm_lock, flags);
	map->rx_head = call->pos.rx_head;
	map->tx_tail = call->pos.tx_tail;
	tel_map_publish(map, on_card ? TEL_MAP_ON_CARD : 0);
	if (moved)
		tel_call_wm_moved_locked(call, moved);
	spin_unlock_irqrestore(&card->wm_lock, flags);
}

/* TEL_IOC_CALLS_SYNC.  Return: the number of mapped calls synced. */
int tel_ioctl_calls_sync(struct tel_file *tf, void __user *uarg)
{
	struct tel_card *card = tf->card;
	struct tel_calls_sync req;
	struct tel_call *call;
	unsigned long handle = 0;
	int n = 0;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (req.flags || memchr_inv(req.reserved, 0, sizeof(req.reserved)))
		return -EINVAL;
	down_read(&card->hw_rwsem);
	for (;;) {
		mutex_lock(&tf->lock);
		call = xa_find(&tf->calls, &handle, ULONG_MAX, XA_PRESENT);
		if (call)
			kref_get(&call->ref);
		mutex_unlock(&tf->lock);
		if (!call)
			break;
		mutex_lock(&call->op_lock);
		mutex_lock(&card->lock);
		if (call->map && call->map->tf == tf) {
			tel_map_sync_call(call, call->map);
			n++;
		}
		mutex_unlock(&card->lock);
		mutex_unlock(&call->op_lock);
		tel_call_put(call);
		if (handle == ULONG_MAX)
			break;
		handle++;
	}
	up_read(&card->hw_rwsem);
	return n;
}
