using System.CommandLine;
using TextAttention.Data;
using TextAttention.IO;
using TextAttention.NativeFix;
using TextAttention.Notebooks;
using TorchSharp;

namespace TextAttention.Cli;

/// <summary>The command tree of <c>TextAttention.Cli</c>; tests build it to check help and errors.</summary>
public static class Commands
{
    public static RootCommand Build()
    {
        var root = new RootCommand("""
            Attention pooling in BiLSTM text classifiers: the command-line front end of the TextAttention library.
            Train and compare classifiers, classify your own sentences with a saved model, run the notebooks
            headless, or repair TorchSharp's native library on old Linux systems.
            """);
        root.Subcommands.Add(ReproduceCommand.Build());
        root.Subcommands.Add(FixNative());
        root.Subcommands.Add(CorpusCommand());
        root.Subcommands.Add(TrainCommand.Build());
        root.Subcommands.Add(PredictCommand.Build());
        root.Subcommands.Add(ExplainCommand.Build());
        root.Subcommands.Add(GridCommand.Build());
        root.Subcommands.Add(Results());
        return root;
    }

    private static Command CorpusCommand()
    {
        var dataset = Options.Dataset();
        var dataDir = Options.DataDir();
        var offline = Options.NoDownload();
        var definition = Options.Definition();
        var command = new Command("corpus", "Load a corpus and print its splits, classes, lengths, vocabulary size and OOV rate.")
        {
            dataset, dataDir, definition, offline,
        };
        command.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var corpus = Corpora.Load(parse.GetValue(dataset)!, Options.CorpusOptions(parse, dataDir, offline, parse.GetValue(definition), error));
                var statistics = CorpusStatistics.Compute(corpus);
                output.WriteLine(statistics);
                output.WriteLine(TextTables.Format(statistics.ClassTable()));
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command Results()
    {
        var csv = new Option<FileInfo?>("--csv")
        {
            Description = "The comparison results (one row per run) that notebook 05 writes; default: the checkout's notebooks/results/comparison-full.csv.",
            HelpName = "file",
        };
        var readme = new Option<FileInfo?>("--readme")
        {
            Description = "The README whose results section is rewritten; default: the checkout's README.md.",
            HelpName = "file",
        };
        var command = new Command("results", "Redraw the result figures and rewrite the README's results section from the comparison CSVs that notebook 05 writes.") { csv, readme };
        command.SetAction(parse =>
        {
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var csvFile = parse.GetValue(csv)?.FullName ?? Path.Combine(Repository.Checkout("--csv"), "notebooks", "results", "comparison-full.csv");
                var readmeFile = parse.GetValue(readme)?.FullName ?? Path.Combine(Repository.Checkout("--readme"), "README.md");
                foreach (var line in ResultsReport.Generate(readmeFile, csvFile))
                {
                    parse.InvocationConfiguration.Output.WriteLine(line);
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or InvalidDataException or ArgumentException or FormatException or UnauthorizedAccessException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command FixNative()
    {
        var files = new Argument<FileInfo[]>("files")
        {
            Description = "More copies of libLibTorchSharp.so to patch (those this program loads are always included).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("fix-native", $"Mark libLibTorchSharp.so's requirement on {TorchSharpNativeFix.Version} weak, so TorchSharp loads on Debian 12 and Ubuntu 22.04. Builds do this already.")
        {
            files,
        };
        command.SetAction(parse =>
        {
            var targets = TorchSharpNativeFix.CopiesNear(typeof(torch).Assembly.Location, AppContext.BaseDirectory)
                .Concat((parse.GetValue(files) ?? []).Select(f => f.FullName));
            try
            {
                foreach (var line in TorchSharpNativeFix.Apply(targets))
                {
                    Console.WriteLine(line);
                }

                return 0;
            }
            catch (ElfFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
