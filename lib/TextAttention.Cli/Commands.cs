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
        root.Subcommands.Add(GridCommand.Build());
        root.Subcommands.Add(GridCommand.Worker());
        root.Subcommands.Add(Results());
        return root;
    }

    private static Command CorpusCommand()
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = $"{string.Join(", ", Corpora.Names)}, or the path of a labelled CSV/TSV file (header with 'text' and 'label').",
            DefaultValueFactory = _ => Corpora.Synthetic,
        };
        var dataDir = new Option<DirectoryInfo?>("--data-dir")
        {
            Description = "Data folder holding agnews/ and thucnews/ (default: TEXTATTENTION_DATA, else data/).",
            HelpName = "dir",
        };
        var offline = new Option<bool>("--no-download") { Description = "Fail instead of downloading a missing corpus." };
        var definition = TrainCommand.DataDefinition();
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
                var options = new CorpusOptions(Repository.DataFolder(parse.GetValue(dataDir)), AllowDownload: !parse.GetValue(offline), Warn: m => error.WriteLine("note: " + m),
                    Definition: parse.GetValue(definition));
                var corpus = Corpora.Load(parse.GetValue(dataset)!, options);
                var statistics = CorpusStatistics.Compute(corpus);
                output.WriteLine(statistics);
                output.WriteLine(TextTables.Format(statistics.ClassTable()));
                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or ArgumentException)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static Command Results()
    {
        var csv = new Option<FileInfo>("--csv")
        {
            Description = "The comparison results (one row per run).",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(Repository.Root(), "notebooks", "results", "comparison-full.csv")),
            HelpName = "file",
        };
        var readme = new Option<FileInfo>("--readme")
        {
            Description = "The README whose results section is rewritten.",
            DefaultValueFactory = _ => new FileInfo(Path.Combine(Repository.Root(), "README.md")),
            HelpName = "file",
        };
        var command = new Command("results", "Redraw the result figures and rewrite the README's results section from the comparison CSV that notebook 05 writes.") { csv, readme };
        command.SetAction(parse =>
        {
            try
            {
                foreach (var line in ResultsReport.Generate(parse.GetValue(readme)!.FullName, parse.GetValue(csv)!.FullName))
                {
                    parse.InvocationConfiguration.Output.WriteLine(line);
                }

                return 0;
            }
            catch (Exception e) when (e is DataFormatException or IOException or InvalidDataException or ArgumentException or FormatException)
            {
                parse.InvocationConfiguration.Error.WriteLine("error: " + e.Message);
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
