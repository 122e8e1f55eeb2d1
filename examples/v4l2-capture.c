// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * v4l2-capture: capture one frame from a V4L2 device into a dma-buf, the
 * way a camera pipeline would use a cmamem buffer. Meant to run under
 * `cmamem export`, which passes the buffer in the environment:
 *
 *   cmamem export frame -- v4l2-capture /dev/video0
 *
 * It queues the dma-buf fd ($CMAMEM_DMABUF_FD, $CMAMEM_BUFFER_SIZE bytes)
 * as the one V4L2_MEMORY_DMABUF buffer of a single-planar capture device,
 * streams until the driver hands it back full, stops, and reports the
 * frame. The driver writes the frame straight into the cmamem buffer.
 * An example program of cmamem(1), kept small; `make install` puts it in
 * PREFIX/libexec/cmamem, off PATH.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/videodev2.h>

static int xioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret;
}

static int die(const char *what)
{
	fprintf(stderr, "v4l2-capture: %s: %s\n", what, strerror(errno));
	return 1;
}

static long env_num(const char *name)
{
	const char *s = getenv(name);

	if (!s || !*s) {
		fprintf(stderr, "v4l2-capture: $%s is not set: run me under `cmamem export`\n",
			name);
		exit(2);
	}
	return strtol(s, NULL, 10);
}

int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : "/dev/video0";
	int dmabuf = (int)env_num("CMAMEM_DMABUF_FD");
	unsigned long size = (unsigned long)env_num("CMAMEM_BUFFER_SIZE");
	enum v4l2_buf_type type = V4L2_BUF_TYPE_VIDEO_CAPTURE;
	struct v4l2_requestbuffers req;
	struct v4l2_capability cap;
	struct v4l2_format fmt;
	struct v4l2_buffer buf;
	char fourcc[5];
	int fd;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return die(path);
	memset(&cap, 0, sizeof(cap));
	if (xioctl(fd, VIDIOC_QUERYCAP, &cap))
		return die("VIDIOC_QUERYCAP");
	if (!(cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) ||
	    !(cap.device_caps & V4L2_CAP_STREAMING)) {
		fprintf(stderr, "v4l2-capture: %s is not a single-planar streaming capture device\n",
			path);
		return 1;
	}
	memset(&fmt, 0, sizeof(fmt));
	fmt.type = type;
	if (xioctl(fd, VIDIOC_G_FMT, &fmt))
		return die("VIDIOC_G_FMT");
	if (fmt.fmt.pix.sizeimage > size) {
		fprintf(stderr, "v4l2-capture: a frame is %u bytes, the buffer %lu\n",
			fmt.fmt.pix.sizeimage, size);
		return 1;
	}

	memset(&req, 0, sizeof(req));
	req.count = 1;
	req.type = type;
	req.memory = V4L2_MEMORY_DMABUF;
	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		return die("VIDIOC_REQBUFS");
	memset(&buf, 0, sizeof(buf));
	buf.index = 0;
	buf.type = type;
	buf.memory = V4L2_MEMORY_DMABUF;
	buf.m.fd = dmabuf;
	buf.length = (unsigned int)size;
	if (xioctl(fd, VIDIOC_QBUF, &buf))
		return die("VIDIOC_QBUF");
	if (xioctl(fd, VIDIOC_STREAMON, &type))
		return die("VIDIOC_STREAMON");
	/* Blocking: returns once the driver has filled the buffer. */
	if (xioctl(fd, VIDIOC_DQBUF, &buf))
		return die("VIDIOC_DQBUF");
	if (xioctl(fd, VIDIOC_STREAMOFF, &type))
		return die("VIDIOC_STREAMOFF");
	req.count = 0;
	if (xioctl(fd, VIDIOC_REQBUFS, &req))
		return die("VIDIOC_REQBUFS 0");
	close(fd);

	memcpy(fourcc, &fmt.fmt.pix.pixelformat, 4);
	fourcc[4] = '\0';
	printf("%s: %ux%u %s, %u bytes captured into dma-buf fd %d\n",
	       (const char *)cap.card, fmt.fmt.pix.width, fmt.fmt.pix.height,
	       fourcc, buf.bytesused, dmabuf);
	return (buf.flags & V4L2_BUF_FLAG_ERROR) ? 1 : 0;
}
