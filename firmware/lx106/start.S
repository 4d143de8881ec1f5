// Reset entry for QEMU's xtensa `sim` machine with the lx106 core (call0 ABI,
// no interrupts enabled at reset): sets the stack, zeroes .bss, runs
// harness_main and leaves QEMU with its return value through semihosting.

// The CPU starts at its reset vector (0x50000000 in the sim machine's system
// ROM), whatever the ELF entry says: jump from there to _start.
    .section .reset, "ax"
    .global _reset
_reset:
    j       1f
    .align 4
2:  .word   _start
1:  l32r    a0, 2b
    jx      a0
    .section .text.start, "ax"
    .literal_position
    .literal .Lstack_top, __stack_top
    .literal .Lbss_start, __bss_start
    .literal .Lbss_end, __bss_end
    .literal .Lmain, harness_main
    .global _start
    .align 4
_start:
    l32r    a1, .Lstack_top
    l32r    a2, .Lbss_start
    l32r    a3, .Lbss_end
    movi    a4, 0
1:  bgeu    a2, a3, 2f
    s32i    a4, a2, 0
    addi    a2, a2, 4
    j       1b
2:  l32r    a0, .Lmain
    callx0  a0
    mov     a3, a2          // exit status
    movi    a2, 1           // SYS_exit
    simcall
3:  j       3b

// uint32_t harness_ccount(void): the cycle counter.
    .section .text.harness_ccount, "ax"
    .global harness_ccount
    .align 4
harness_ccount:
    rsr.ccount a2
    ret

// uint32_t harness_sp(void): the caller's stack pointer.
    .section .text.harness_sp, "ax"
    .global harness_sp
    .align 4
harness_sp:
    mov     a2, a1
    ret

// void harness_spin(uint32_t n): exactly 2n + 1 instructions after the call
// (n > 0), for calibrating CCOUNT against instructions.
    .section .text.harness_spin, "ax"
    .global harness_spin
    .align 4
harness_spin:
1:  addi    a2, a2, -1
    bnez    a2, 1b
    ret

// int harness_simcall(int number, int a, int b, int c): Xtensa ISS semihosting.
    .section .text.harness_simcall, "ax"
    .global harness_simcall
    .align 4
harness_simcall:
    simcall
    ret
