using Ferry.Cli;

// A failure on another thread would otherwise end in the runtime's stack dump: say it the way every error is said.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Error.WriteLine(e.ExceptionObject is Exception x ? CommandLine.Failure(x) : "ferry: internal error");
    Environment.Exit(1);
};
// The static site executable carries its own OpenSSL: point it at this distribution's CA certificates.
Ferry.Oci.SystemCertificates.UseHostBundle();
return await CommandLine.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
