/*
 * The programs of the multi-call user binary (ubox.c).
 */
#ifndef GUEST_USER_H
#define GUEST_USER_H

int usertests(int argc, char **argv);
int bench(int argc, char **argv);

#endif
