/*
 * A PortAudio stream whose real-time callback pushes a sequence-numbered stereo signal into a
 * ringscope ring through a producer handle: the job `pa_ringbuffer` and `ringbuf` users give
 * their callbacks. Compiled at test time by CFFI (python/tests/test_portaudio_jack.py) with
 * `ringscope.pa.cdef()` and linked against `ringscope.get_library()`.
 *
 * Frame i carries (i, -i) as float32 (exact up to 2^24 frames, 349 s at 48 kHz). Odd callbacks
 * write in place through ringscope_producer_write_regions/commit, even ones push a block from
 * the stack with ringscope_producer_push, so both real-time paths run.
 */
#include <portaudio.h>
#include <stdint.h>
#include <string.h>

#include "ringscope.h"

#define CHANNELS 2
#define MAX_FRAMES 4096

typedef struct {
    RingscopeProducer *producer;
    PaStream *stream;
    uint64_t next;          /* frames delivered */
    uint64_t callbacks;
    uint64_t short_pushes;  /* callbacks that found the ring too full for their block */
    uint64_t too_large;     /* callbacks with more than MAX_FRAMES frames */
    unsigned long max_frames;
    size_t min_free;        /* least free space a callback found, in frames */
} callback_state;

static void fill(float *dst, uint64_t first, size_t frames) {
    for (size_t i = 0; i < frames; i++) {
        dst[i * CHANNELS] = (float)(first + i);
        dst[i * CHANNELS + 1] = -(float)(first + i);
    }
}

static int callback(const void *input, void *output, unsigned long frames,
                    const PaStreamCallbackTimeInfo *time, PaStreamCallbackFlags flags, void *user) {
    callback_state *s = user;
    (void)input, (void)time, (void)flags;
    memset(output, 0, frames * CHANNELS * sizeof(float));
    if (frames > s->max_frames)
        s->max_frames = frames;
    size_t free = ringscope_producer_write_available(s->producer);
    if (free < s->min_free)
        s->min_free = free;
    size_t written;
    if (frames > MAX_FRAMES) {
        s->too_large++;
        written = 0;
    } else if (s->callbacks % 2) {
        RingscopeWriteRegions r;
        size_t lent = ringscope_producer_write_regions(s->producer, frames, &r);
        fill(r.first, s->next, r.first_len);
        fill(r.second, s->next + r.first_len, r.second_len);
        written = ringscope_producer_commit(s->producer, lent);
    } else {
        float block[MAX_FRAMES * CHANNELS];
        fill(block, s->next, frames);
        written = ringscope_producer_push(s->producer, block, frames);
    }
    if (written < frames) {
        s->short_pushes++;
        if (s->callbacks % 2)
            ringscope_producer_record_dropped(s->producer, frames - written);
    }
    s->next += written;
    s->callbacks++;
    return paContinue;
}

/* Opens and starts an output stream on PortAudio's JACK host API. Returns a PaError. */
int start_stream(callback_state *s, double sample_rate) {
    PaError err = Pa_Initialize();
    if (err != paNoError)
        return err;
    PaHostApiIndex jack = Pa_HostApiTypeIdToHostApiIndex(paJACK);
    if (jack < 0)
        return jack;
    const PaHostApiInfo *info = Pa_GetHostApiInfo(jack);
    if (info->defaultOutputDevice == paNoDevice)
        return paDeviceUnavailable;
    PaStreamParameters out = {info->defaultOutputDevice, CHANNELS, paFloat32,
                              Pa_GetDeviceInfo(info->defaultOutputDevice)->defaultLowOutputLatency,
                              NULL};
    s->min_free = SIZE_MAX;
    err = Pa_OpenStream(&s->stream, NULL, &out, sample_rate, paFramesPerBufferUnspecified,
                        paNoFlag, callback, s);
    if (err != paNoError)
        return err;
    return Pa_StartStream(s->stream);
}

/* Stops (waiting for the last callback), closes and terminates. Returns a PaError. */
int stop_stream(callback_state *s) {
    PaError err = Pa_StopStream(s->stream);
    PaError closed = Pa_CloseStream(s->stream);
    Pa_Terminate();
    return err != paNoError ? err : closed;
}

const char *error_text(int err) {
    return Pa_GetErrorText(err);
}
