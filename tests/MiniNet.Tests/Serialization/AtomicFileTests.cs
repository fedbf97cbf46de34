using MiniNet.Serialization;

namespace MiniNet.Tests.Serialization;

/// <summary>
/// A save killed midway leaves its hidden temporary file behind; the next save of the same target deletes such
/// leftovers, and nothing else: not another target's, not one written a moment ago, not one a live save holds.
/// </summary>
public class AtomicFileTests
{
    private static readonly Dictionary<string, Tensor> s_weights = new() { ["w"] = Tensor.FromArray([1f, 2f]) };

    /// <summary>A leftover temporary file in <paramref name="dir"/>, last written <paramref name="age"/> ago.</summary>
    private static string Leftover(TempDirectory dir, string fileName, TimeSpan age)
    {
        string path = dir.File(fileName);
        System.IO.File.WriteAllBytes(path, new byte[100]);
        System.IO.File.SetLastWriteTimeUtc(path, DateTime.UtcNow - age);
        return path;
    }

    [Fact]
    public void The_next_save_deletes_the_temporary_files_that_killed_saves_of_the_same_target_left()
    {
        using var dir = new TempDirectory();
        for (int i = 0; i < 42; i++) Leftover(dir, $".model.safetensors.{Path.GetRandomFileName()}.tmp", TimeSpan.FromMinutes(i + 1));
        SafeTensors.Save(dir.File("model.safetensors"), s_weights);
        Assert.Equal(["model.safetensors"], dir.FileNames());
    }

    [Fact]
    public void A_temporary_file_written_a_moment_ago_is_left_to_its_writer()
    {
        using var dir = new TempDirectory();
        Leftover(dir, ".model.safetensors.abcdefgh.xyz.tmp", TimeSpan.Zero);
        SafeTensors.Save(dir.File("model.safetensors"), s_weights);
        Assert.Contains(".model.safetensors.abcdefgh.xyz.tmp", dir.FileNames());
    }

    [Fact]
    public void A_temporary_file_that_a_live_save_holds_is_never_deleted_however_old()
    {
        // A save holds its temporary file open exclusively while it writes, as this stream does; even with a last
        // write an hour ago (a writer stalled on a slow disk) the file is its writer's.
        using var dir = new TempDirectory();
        string live = Leftover(dir, ".model.safetensors.abcdefgh.xyz.tmp", TimeSpan.FromHours(1));
        using (new FileStream(live, FileMode.Open, FileAccess.Write, FileShare.None))
            SafeTensors.Save(dir.File("model.safetensors"), s_weights);
        Assert.Contains(".model.safetensors.abcdefgh.xyz.tmp", dir.FileNames());
    }

    [Theory]
    [InlineData(".other.safetensors.abcdefgh.xyz.tmp")]        // another target's
    [InlineData(".model.safetensors.tmp")]                     // not the form a save makes
    [InlineData(".model.safetensors.ABCDEFGH.XYZ.tmp")]
    [InlineData(".model.safetensors.abcdefgh.xyz.tmp.keep")]
    [InlineData(".model.safetensors.abcdefghxxyz.tmp")]
    [InlineData(".model.safetensors.abcdefgh.xyz.abcdefgh.xyz.tmp")] // the leftover of a target named model.safetensors.abcdefgh.xyz
    [InlineData("model.safetensors.abcdefgh.xyz.tmp")]
    public void Files_of_other_names_are_left_alone(string fileName)
    {
        using var dir = new TempDirectory();
        Leftover(dir, fileName, TimeSpan.FromHours(1));
        SafeTensors.Save(dir.File("model.safetensors"), s_weights);
        Assert.Contains(fileName, dir.FileNames());
    }

    [Theory]
    [InlineData(".m.abcdefgh.xyz.tmp", "m", true)]
    [InlineData(".m.a1b2c3d4.e5f.tmp", "m", true)]
    [InlineData(".m.abcdefgh.xyz.tmp", "n", false)]
    [InlineData(".m.abcdefg.wxyz.tmp", "m", false)]
    [InlineData(".m.abcdefgh.xy-.tmp", "m", false)]
    [InlineData(".m*.abcdefgh.xyz.tmp", "m*", true)] // a name with a wildcard in it is matched literally
    [InlineData(".mx.abcdefgh.xyz.tmp", "m*", false)]
    public void The_form_of_a_temporary_file_is_matched_exactly(string fileName, string target, bool matches) =>
        Assert.Equal(matches, AtomicFile.IsTemporaryOf(fileName, target));

    [Fact]
    public void Two_saves_of_the_same_target_at_once_both_succeed_and_leave_one_whole_file()
    {
        using var dir = new TempDirectory();
        string path = dir.File("model.safetensors");
        var big = new Dictionary<string, Tensor> { ["w"] = Tensor.Randn([256, 256], seed: 1) };
        Parallel.For(0, 2, _ =>
        {
            for (int i = 0; i < 20; i++) SafeTensors.Save(path, big);
        });
        Assert.Equal(["model.safetensors"], dir.FileNames());
        Assert.Equal(big["w"].ToArray<float>(), SafeTensors.Load(path).Tensors["w"].ToArray<float>());
    }

    [Fact]
    public void IdxFile_saves_tidy_up_the_same_way()
    {
        using var dir = new TempDirectory();
        Leftover(dir, ".labels.idx.abcdefgh.xyz.tmp", TimeSpan.FromHours(1));
        MiniNet.Data.IdxFile.Write(dir.File("labels.idx"), new MiniNet.Data.IdxArray(new byte[] { 1, 2 }, [2]), gzip: false);
        Assert.Equal(["labels.idx"], dir.FileNames());
    }
}
