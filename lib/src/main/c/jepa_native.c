/*
 * The part of libjepa that runs on any x86-64 CPU (jepa.accel.NativeLibrary): whether this one has what the kernels in
 * jepa_conv.c and jepa_gru.c are compiled for. They are called only when it does.
 */
#include <jni.h>

JNIEXPORT jboolean JNICALL Java_jepa_accel_NativeLibrary_supported(JNIEnv *env, jclass cls) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? JNI_TRUE : JNI_FALSE;
}
