using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using CsvHelper.Configuration.Attributes;
using CsvHelper.TypeConversion;

namespace TextAttention.IO;

/// <summary>
/// Typed CSV files through CsvHelper: one record type per kind of file, a header named by the record's
/// <c>[Name]</c> attributes, invariant culture, and doubles written so they read back to the same bits.
/// Writing is atomic; reading reports the file, line and problem of any bad row.
/// </summary>
public static class CsvFile
{
    private static CsvConfiguration Configuration => new(CultureInfo.InvariantCulture)
    {
        NewLine = "\n",
        DetectColumnCountChanges = true,
        // Required columns are checked against the header before reading (with a clearer message); optional ones may be absent.
        MissingFieldFound = null,
        // Records are read through their constructors, whose parameters are named in C# style (BestEpoch) while the
        // header is in snake case (best_epoch, from the [Name] attributes that writing uses): compare them without case or underscores.
        PrepareHeaderForMatch = args => Normalise(args.Header),
    };

    /// <summary>Writes <paramref name="rows"/> with a header line, atomically (a reader never sees half a file).</summary>
    public static void Write<T>(string path, IEnumerable<T> rows) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, leaveOpen: true);
            using var csv = new CsvWriter(writer, Configuration);
            csv.Context.TypeConverterOptionsCache.GetOptions<double>().Formats = ["R"];
            csv.Context.TypeConverterOptionsCache.GetOptions<double?>().Formats = ["R"];
            csv.WriteRecords(rows);
        });

    /// <summary>Reads every row of a file written by <see cref="Write{T}"/> (or by hand in the same shape).</summary>
    /// <exception cref="DataFormatException">The file is missing, lacks a column, or a cell does not parse; the message names file, line and column.</exception>
    public static List<T> Read<T>(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataFormatException(path, 0, "no such file");
        }

        using var reader = new StreamReader(path);
        using var csv = new CsvReader(reader, Configuration);
        try
        {
            if (!csv.Read() || !csv.ReadHeader() || csv.HeaderRecord is not { } header)
            {
                throw new DataFormatException(path, 0, "the file is empty; it should start with a header line");
            }

            var present = header.Select(Normalise).ToHashSet();
            var missing = Columns<T>(required: true).Where(c => !present.Contains(Normalise(c))).ToList();
            if (missing.Count > 0)
            {
                throw new DataFormatException(path, 1, $"no column {string.Join(", ", missing)}; a {typeof(T).Name} file has the columns {string.Join(", ", Columns<T>())}");
            }

            return csv.GetRecords<T>().ToList();
        }
        catch (TypeConverterException e)
        {
            var index = csv.CurrentIndex;
            var column = csv.HeaderRecord is { } header && index >= 0 && index < header.Length ? header[index] : $"{index + 1}";
            throw new DataFormatException(path, csv.Parser.RawRow, $"column {column}: '{e.Text}' is not a valid value there");
        }
        catch (CsvHelperException e)
        {
            throw new DataFormatException(path, e.Context?.Parser?.RawRow ?? 0, e.Message.Split('\n')[0]);
        }
    }

    /// <summary>The column names of a record type's file, from its <c>[Name]</c> attributes, in order; with <paramref name="required"/>, only those not marked <c>[Optional]</c>.</summary>
    public static IReadOnlyList<string> Columns<T>(bool required = false) =>
        typeof(T).GetProperties()
            .Where(p => !required || !p.IsDefined(typeof(OptionalAttribute), false))
            .Select(p => p.GetCustomAttributes(typeof(NameAttribute), false).OfType<NameAttribute>().FirstOrDefault()?.Names[0])
            .OfType<string>()
            .ToList();

    private static string Normalise(string header) => header.Replace("_", "", StringComparison.Ordinal).ToLowerInvariant();
}
