// SPDX-License-Identifier: GPL-2.0
/*
 * provoke.ko - makes the debug kernel report one kind of bug, so that
 * tests/vm/selftest can check that each report fails a VM run
 * (tests/vm/kernel-log-patterns, the kmemleak scan).  Only for the debug
 * kernel (tests/debugkernel); never loaded anywhere else.
 *
 *   insmod provoke.ko what=kasan|lockdep|sleep|ubsan|dmaapi|leak
 *
 * The module loads (returns 0) after provoking, so the run goes on and the
 * report is what must fail it.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/platform_device.h>
#include <linux/dma-mapping.h>

static char *what = "";
module_param(what, charp, 0444);
MODULE_PARM_DESC(what, "kasan, lockdep, sleep, ubsan, dmaapi or leak");

static DEFINE_MUTEX(lock_a);
static DEFINE_MUTEX(lock_b);
static DEFINE_SPINLOCK(spin);
static void *leaked;

static noinline void provoke_kasan(void)
{
	char *p = kmalloc(8, GFP_KERNEL);
	volatile char *q = p;

	if (!p)
		return;
	pr_info("provoke: reading one byte past an 8-byte kmalloc\n");
	(void)q[8];
	kfree(p);
}

static noinline void provoke_lockdep(void)
{
	pr_info("provoke: taking a then b, then b then a\n");
	mutex_lock(&lock_a);
	mutex_lock(&lock_b);
	mutex_unlock(&lock_b);
	mutex_unlock(&lock_a);
	mutex_lock(&lock_b);
	mutex_lock(&lock_a);
	mutex_unlock(&lock_a);
	mutex_unlock(&lock_b);
}

static noinline void provoke_sleep(void)
{
	pr_info("provoke: might_sleep() under a spinlock\n");
	spin_lock(&spin);
	might_sleep();
	spin_unlock(&spin);
}

static noinline void provoke_ubsan(void)
{
	volatile int shift = 40;
	volatile int one = 1;

	pr_info("provoke: 1 << 40 in an int: %d\n", one << shift);
}

static noinline void provoke_dmaapi(void)
{
	struct platform_device *pdev;
	dma_addr_t addr;
	void *buf;

	pdev = platform_device_register_simple("provoke-dma", -1, NULL, 0);
	if (IS_ERR(pdev))
		return;
	pdev->dev.coherent_dma_mask = DMA_BIT_MASK(32);
	pdev->dev.dma_mask = &pdev->dev.coherent_dma_mask;
	buf = kmalloc(64, GFP_KERNEL);
	if (buf) {
		pr_info("provoke: unmapping a DMA mapping with the wrong size\n");
		addr = dma_map_single(&pdev->dev, buf, 64, DMA_TO_DEVICE);
		if (!dma_mapping_error(&pdev->dev, addr))
			dma_unmap_single(&pdev->dev, addr, 32, DMA_TO_DEVICE);
		kfree(buf);
	}
	platform_device_unregister(pdev);
}

static noinline void provoke_leak(void)
{
	void *p = kmalloc(100, GFP_KERNEL);

	pr_info("provoke: leaking a 100-byte kmalloc\n");
	/* keep it reachable only until this function returns */
	WRITE_ONCE(leaked, p);
	WRITE_ONCE(leaked, NULL);
}

static int __init provoke_init(void)
{
	if (!strcmp(what, "kasan"))
		provoke_kasan();
	else if (!strcmp(what, "lockdep"))
		provoke_lockdep();
	else if (!strcmp(what, "sleep"))
		provoke_sleep();
	else if (!strcmp(what, "ubsan"))
		provoke_ubsan();
	else if (!strcmp(what, "dmaapi"))
		provoke_dmaapi();
	else if (!strcmp(what, "leak"))
		provoke_leak();
	else
		return -EINVAL;
	return 0;
}

static void __exit provoke_exit(void)
{
}

module_init(provoke_init);
module_exit(provoke_exit);
MODULE_DESCRIPTION("provoke debug-kernel reports (tests/vm/selftest)");
MODULE_LICENSE("GPL");
