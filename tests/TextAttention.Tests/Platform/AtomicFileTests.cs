using TextAttention.IO;

namespace TextAttention.Tests.Platform;

public sealed class AtomicFileTests
{
    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        var folder = Directory.CreateTempSubdirectory("textattention-atomic-").FullName;
        var path = Path.Combine(folder, "results.csv");
        AtomicFile.WriteAllText(path, "old");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("new, half written"u8);
            throw new IOException("disk full");
        }));

        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void Writing_replaces_the_content_and_creates_missing_folders()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("textattention-atomic-").FullName, "a", "b.txt");

        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");

        Assert.Equal("two", File.ReadAllText(path));
    }
}
