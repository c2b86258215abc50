// SPDX-License-Identifier: GPL-2.0
/*
 * tel_main.c - module entry and exit, the module-wide parameters
 */
#include <linux/module.h>
#include <linux/pci.h>

#include "tel.h"

unsigned int tel_max_dropped = 128;
module_param_named(max_dropped, tel_max_dropped, uint, 0644);
MODULE_PARM_DESC(max_dropped,
		 "dropped calls one open file may keep before DEALLOC; more ALLOC/ANSWER answer EDQUOT (default 128)");

static int __init tel_init(void)
{
	int ret;

	ret = tel_call_cache_init();
	if (ret)
		return ret;
	ret = tel_cards_init();
	if (ret)
		goto err_cache_exit;
	ret = tel_proc_init();
	if (ret)
		goto err_cards_exit;
	tel_debugfs_init();
	ret = pci_register_driver(&tel_pci_driver);
	if (ret)
		goto err_proc_exit;
	return 0;

err_proc_exit:
	tel_debugfs_exit();
	tel_proc_exit();
err_cards_exit:
	tel_cards_exit();
err_cache_exit:
	tel_call_cache_exit();
	return ret;
}

static void __exit tel_exit(void)
{
	pci_unregister_driver(&tel_pci_driver);
	tel_debugfs_exit();
	tel_proc_exit();
	tel_cards_exit();
	tel_call_cache_exit();
}

module_init(tel_init);
module_exit(tel_exit);

MODULE_DESCRIPTION("tel telephony card: calls with DMA-backed audio, TAPI-style drop and deallocate");
MODULE_AUTHOR("The tel developers");
MODULE_LICENSE("GPL");
