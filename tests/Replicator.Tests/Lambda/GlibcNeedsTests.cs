namespace Replicator.Tests.Lambda;

/// <summary>The reader behind the bootstrap's glibc check, on lines captured from <c>objdump -T</c> of the published bootstrap.</summary>
public sealed class GlibcNeedsTests
{
    // binutils 2.40 (Debian 12) on the bootstrap, plus the forms other binutils print and lines that bind no glibc version.
    private const string Sample = """

        bootstrap:     file format elf64-x86-64

        DYNAMIC SYMBOL TABLE:
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.2.5) mlock
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.3) __tls_get_addr
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.3.2) pthread_cond_wait
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.29) log
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.32) pthread_sigmask
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.34) __libc_start_main
        0000000000000000      DF *UND*	0000000000000000 (GLIBC_2.34) dlopen
        0000000000000000      DF *UND*	0000000000000000  GLIBC_2.17  clock_gettime
        0000000000000000  w   D  *UND*	0000000000000000  Base        __gmon_start__
        0000000000000000  w   D  *UND*	0000000000000000              _ITM_registerTMCloneTable
        00000000004f1e20 g    DF .text	0000000000000025  Base        DotNetRuntimeDebugHeader
        """;

    [Fact]
    public void Reads_every_undefined_symbol_bound_to_a_glibc_version()
    {
        var needs = GlibcNeeds.Parse(Sample);

        Assert.Equal(
            ["mlock@GLIBC_2.2.5", "__tls_get_addr@GLIBC_2.3", "pthread_cond_wait@GLIBC_2.3.2", "log@GLIBC_2.29", "pthread_sigmask@GLIBC_2.32", "__libc_start_main@GLIBC_2.34", "dlopen@GLIBC_2.34", "clock_gettime@GLIBC_2.17"],
            needs.Select(need => need.ToString()));
    }

    [Fact]
    public void The_sample_fits_amazon_linux_2023_and_a_lower_bound_names_what_it_needs_beyond_it()
    {
        var needs = GlibcNeeds.Parse(Sample);

        Assert.Empty(GlibcNeeds.NewerThan(needs, GlibcNeeds.AmazonLinux2023));
        Assert.Equal(["__libc_start_main@GLIBC_2.34", "dlopen@GLIBC_2.34"], GlibcNeeds.NewerThan(needs, new Version(2, 33)).Select(need => need.ToString()));
        Assert.Equal(["pthread_sigmask@GLIBC_2.32", "__libc_start_main@GLIBC_2.34", "dlopen@GLIBC_2.34"], GlibcNeeds.NewerThan(needs, new Version(2, 31)).Select(need => need.ToString()));
    }

    [Theory]
    [InlineData("0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.38) __isoc23_strtol", "__isoc23_strtol@GLIBC_2.38")]
    [InlineData("0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.35) __memcpy_chk", "__memcpy_chk@GLIBC_2.35")]
    [InlineData("0000000000000000      DF *UND*\t0000000000000000  GLIBC_2.34.1 made_up", "made_up@GLIBC_2.34.1")]
    [InlineData("0000000000000000      DF *UND*\t0000000000000000 (GLIBC_PRIVATE) _dl_find_object", "_dl_find_object@GLIBC_PRIVATE")]
    public void A_symbol_newer_than_amazon_linux_2023_is_named(string line, string named)
    {
        var needs = GlibcNeeds.Parse(Sample + "\n" + line);

        Assert.Equal([named], GlibcNeeds.NewerThan(needs, GlibcNeeds.AmazonLinux2023).Select(need => need.ToString()));
    }
}
