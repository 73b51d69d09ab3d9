/*
 * GoTraceEngine tracer script: DTrace (macOS, illumos, FreeBSD), arm64, Go >= 1.18 (register ABI).
 * Prints the full event format (see README "The full event format"), fixing the seed script's flaws: the ready
 * clause uses the readied g and prints; the reason is read from the argument that carries it on arm64; every line
 * carries a timestamp; no return probes and no script counters (the engine counts).
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
  printf("# gotrace tracer=dtrace os=@OS@ arch=arm64 go=@GO@ reasons=trace\n");
}

/* newproc then runs runqput(pp, newg, next) on the same thread: the new g is its 2nd argument (X1). */
pid$target::runtime.newproc1:entry
{
  self->creating = 1;
}

pid$target::runtime.runqput:entry
/self->creating/
{
  self->creating = 0;
  this->g = arg1;
  this->gp = (uint64_t *)copyin(this->g, @STARTPC@ + 8);
  printf("newproc1: ts=%d goroutine=%p goid=%d gopc=0x%x fn=%A creator=%A\n", timestamp, this->g,
    this->gp[@GOID@ / 8], this->gp[@GOPC@ / 8], this->gp[@STARTPC@ / 8], this->gp[@GOPC@ / 8]);
}

/* gopark(unlockf X0, lock X1, reason X2, traceReason X3, traceskip X4); the parking g is X28. */
pid$target::runtime.gopark:entry
{
  printf("gopark: ts=%d goroutine=%p reason=%d wait=%d obj=%p\n", timestamp, uregs[R_X28], arg3 & 0xff, arg2 & 0xff, arg1);
}

/* ready(gp X0, traceskip, next). */
pid$target::runtime.ready:entry
{
  printf("ready: ts=%d goroutine=%p\n", timestamp, arg0);
}

pid$target::runtime.@DESTROY@:entry
{
  printf("godestroy: ts=%d goroutine=%p\n", timestamp, arg0);
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
