// Force-included by the freestanding lx106 build (firmware/tools/xtensa-core.mjs):
// every function-like macro that Arduino.h defines in the ESP8266 core
// (cores/esp8266/Arduino.h, esp8266/Arduino at f946290ea) and in the ESP32
// core (cores/esp32/Arduino.h, espressif/arduino-esp32), the classic Arduino
// min/max/abs/round, and F/PSTR/FPSTR from the string headers Arduino.h
// includes. A sketch's build has them in scope before the core; here any use
// of one of these names followed by '(' expands to an undeclared identifier,
// so a collision fails CI instead of a user's build. Not part of the library.
#pragma once

#define timer1_read(...) arduino_macro_collision_timer1_read
#define timer1_enabled(...) arduino_macro_collision_timer1_enabled
#define timer1_interrupted(...) arduino_macro_collision_timer1_interrupted
#define timer0_interrupted(...) arduino_macro_collision_timer0_interrupted
#define timer0_read(...) arduino_macro_collision_timer0_read
#define timer0_write(...) arduino_macro_collision_timer0_write
#define constrain(...) arduino_macro_collision_constrain
#define radians(...) arduino_macro_collision_radians
#define degrees(...) arduino_macro_collision_degrees
#define sq(...) arduino_macro_collision_sq
#define interrupts(...) arduino_macro_collision_interrupts
#define noInterrupts(...) arduino_macro_collision_noInterrupts
#define clockCyclesPerMicrosecond(...) arduino_macro_collision_clockCyclesPerMicrosecond
#define clockCyclesToMicroseconds(...) arduino_macro_collision_clockCyclesToMicroseconds
#define microsecondsToClockCycles(...) arduino_macro_collision_microsecondsToClockCycles
#define lowByte(...) arduino_macro_collision_lowByte
#define highByte(...) arduino_macro_collision_highByte
#define bitRead(...) arduino_macro_collision_bitRead
#define bitSet(...) arduino_macro_collision_bitSet
#define bitClear(...) arduino_macro_collision_bitClear
#define bitWrite(...) arduino_macro_collision_bitWrite
#define _NOP(...) arduino_macro_collision_NOP
#define bit(...) arduino_macro_collision_bit
#define _BV(...) arduino_macro_collision_BV
#define digitalPinToPort(...) arduino_macro_collision_digitalPinToPort
#define digitalPinToBitMask(...) arduino_macro_collision_digitalPinToBitMask
#define digitalPinToTimer(...) arduino_macro_collision_digitalPinToTimer
#define portOutputRegister(...) arduino_macro_collision_portOutputRegister
#define portInputRegister(...) arduino_macro_collision_portInputRegister
#define portModeRegister(...) arduino_macro_collision_portModeRegister
#define abs(...) arduino_macro_collision_abs
#define round(...) arduino_macro_collision_round
#define _min(...) arduino_macro_collision_min
#define _max(...) arduino_macro_collision_max
#define word(...) arduino_macro_collision_word
#define __STRINGIFY(...) arduino_macro_collision_STRINGIFY
#define _abs(...) arduino_macro_collision_abs
#define _round(...) arduino_macro_collision_round
#define sei(...) arduino_macro_collision_sei
#define cli(...) arduino_macro_collision_cli
#define bitToggle(...) arduino_macro_collision_bitToggle
#define analogInPinToBit(...) arduino_macro_collision_analogInPinToBit
#define SET_LOOP_TASK_STACK_SIZE(...) arduino_macro_collision_SET_LOOP_TASK_STACK_SIZE
#define BYPASS_SPIRAM_TEST(...) arduino_macro_collision_BYPASS_SPIRAM_TEST
#define min(...) arduino_macro_collision_min
#define max(...) arduino_macro_collision_max
#define F(...) arduino_macro_collision_F
#define PSTR(...) arduino_macro_collision_PSTR
#define FPSTR(...) arduino_macro_collision_FPSTR
