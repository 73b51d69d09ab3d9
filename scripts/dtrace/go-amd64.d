/*
 * GoTraceEngine tracer script: DTrace (macOS, illumos, FreeBSD), amd64, Go >= 1.17 (register ABI).
 * DTrace's argN are the C ABI registers (RDI, RSI, RDX, RCX…), not Go's (RAX, RBX, RCX, RDI…): every Go argument
 * is read from uregs[]. The seed script's arg3 in gopark is RCX here: the waitReason, not the traceBlockReason.
 * Placeholders, filled by `gotrace script`: @GO@ the Go version, @OS@ the OS, @DESTROY@ gdestroy (Go >= 1.22) or
 * goexit0, @GOID@ @GOPC@ @STARTPC@ the offsets of g.goid, g.gopc, g.startpc (from the binary's DWARF).
 * Run: sudo dtrace -s script.d -c ./program -o trace.txt; gotrace replay trace.txt
 * Create lines carry gopc= (the go statement's pc). For the names Go's own tracebacks use (the function a go-statement
 * wrapper runs, the go statement's file:line), put the binary's names first:
 *   gotrace script --symbols --binary ./program > names.txt; cat names.txt trace.txt | gotrace replay -
 */
#pragma D option quiet
#pragma D option switchrate=10hz
#pragma D option bufsize=16m
/* The exit clause names exit (macOS, FreeBSD) and rexit (illumos): each system has one of the two. */
#pragma D option zdefs

BEGIN
{
  printf("# gotrace tracer=dtrace os=@OS@ arch=amd64 go=@GO@ reasons=trace\n");
}

/* newproc then runs runqput(pp, newg, next) on the same thread: the new g is Go's 2nd argument (RBX). */
pid$target::runtime.newproc1:entry
{
  self->creating = 1;
}

pid$target::runtime.runqput:entry
/self->creating/
{
  self->creating = 0;
  this->g = uregs[R_RBX];
  this->gp = (uint64_t *)copyin(this->g, @STARTPC@ + 8);
  printf("newproc1: ts=%d goroutine=%p goid=%d gopc=0x%x fn=%A creator=%A\n", timestamp, this->g,
    this->gp[@GOID@ / 8], this->gp[@GOPC@ / 8], this->gp[@STARTPC@ / 8], this->gp[@GOPC@ / 8]);
}

/* gopark(unlockf RAX, lock RBX, reason RCX, traceReason RDI, traceskip RSI); the parking g is R14. */
pid$target::runtime.gopark:entry
{
  printf("gopark: ts=%d goroutine=%p reason=%d wait=%d obj=%p\n", timestamp, uregs[R_R14], uregs[R_RDI] & 0xff, uregs[R_RCX] & 0xff, uregs[R_RBX]);
}

/* ready(gp RAX, traceskip, next). */
pid$target::runtime.ready:entry
{
  printf("ready: ts=%d goroutine=%p\n", timestamp, uregs[R_RAX]);
}

pid$target::runtime.@DESTROY@:entry
{
  printf("godestroy: ts=%d goroutine=%p\n", timestamp, uregs[R_RAX]);
}

/* The program's exit status, as a comment line the engine counts and skips: the end record that follows is silence
 * in the program only when the program ended first (a trace stopped with Ctrl-C ends while it still runs). */
syscall::exit:entry, syscall::rexit:entry
/pid == $target/
{
  printf("# exit code=%d\n", (int)arg0);
}

tick-1s
{
  printf("tick-1s: ts=%d\n", timestamp);
}

END
{
  printf("END: ts=%d\n", timestamp);
}
