// SPDX-License-Identifier: GPL-2.0
/*
 * cma_mem's trace events: trace.h declares them for every file that emits
 * one; this file defines them, once.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"
