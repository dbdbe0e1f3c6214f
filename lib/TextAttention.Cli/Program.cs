using System.CommandLine;
using TextAttention.Cli;

return Commands.Build().Parse(args).Invoke();
