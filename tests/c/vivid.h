/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vivid, the kernel's V4L2 test driver, as a reproducible camera for the
 * dma-buf and zero-copy tests. Include after helper.h.
 *
 * The capture node is found by driver name (VIDIOC_QUERYCAP), never by a
 * fixed /dev/videoN. vivid_open() sets one format and the controls that make
 * every frame the same: the 75% colour bar pattern, no movement, no OSD
 * text (which would carry a time stamp and a frame counter), 100% fill.
 * So a frame captured into a cmamem buffer can be compared byte for byte
 * with one captured the ordinary way (V4L2_MEMORY_MMAP).
 */
#ifndef CMAMEM_TESTS_VIVID_H
#define CMAMEM_TESTS_VIVID_H

#include <dirent.h>
#include <linux/videodev2.h>

#define VIVID_WIDTH 320U
#define VIVID_HEIGHT 180U

struct vivid {
	int fd;
	char path[300];
	uint32_t sizeimage;
	enum v4l2_memory memory;
};

static int vivid_ioctl(int fd, unsigned long req, void *arg)
{
	int ret;

	do {
		ret = ioctl(fd, req, arg);
	} while (ret < 0 && errno == EINTR);
	return ret ? -errno : 0;
}

#define VIOC(v, req, arg)                                                   \
	do {                                                                \
		int _r = vivid_ioctl((v)->fd, (req), (arg));                \
		if (_r)                                                     \
			DIE("%s on %s: %s", #req, (v)->path,                \
			    t_errname(_r));                                 \
	} while (0)

/* Set menu control @ctrl to its item @item, both by name. */
static void vivid_menu(struct vivid *v, const char *ctrl, const char *item)
{
	struct v4l2_queryctrl q = { .id = V4L2_CTRL_FLAG_NEXT_CTRL };

	while (!vivid_ioctl(v->fd, VIDIOC_QUERYCTRL, &q)) {
		if (!strcmp((char *)q.name, ctrl)) {
			struct v4l2_querymenu m = { .id = q.id };
			struct v4l2_control c = { .id = q.id };

			for (m.index = q.minimum; m.index <= (uint32_t)q.maximum;
			     m.index++) {
				if (vivid_ioctl(v->fd, VIDIOC_QUERYMENU, &m) ||
				    strcmp((char *)m.name, item))
					continue;
				c.value = (int)m.index;
				VIOC(v, VIDIOC_S_CTRL, &c);
				return;
			}
			DIE("control '%s' of %s has no item '%s'", ctrl,
			    v->path, item);
		}
		q.id |= V4L2_CTRL_FLAG_NEXT_CTRL;
	}
	DIE("%s has no control '%s'", v->path, ctrl);
}

/* Open vivid's single-planar capture node, with the fixed settings. */
static void vivid_open(struct vivid *v)
{
	struct v4l2_streamparm parm = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct v4l2_format fmt = { .type = V4L2_BUF_TYPE_VIDEO_CAPTURE };
	struct dirent *de;
	int input = 0;
	DIR *d;

	v->fd = -1;
	d = opendir("/dev");
	if (!d)
		DIE("opendir /dev: %s", strerror(errno));
	while ((de = readdir(d))) {
		struct v4l2_capability cap;
		int fd;

		if (strncmp(de->d_name, "video", 5))
			continue;
		snprintf(v->path, sizeof(v->path), "/dev/%s", de->d_name);
		fd = open(v->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(&cap, 0, sizeof(cap));
		if (!vivid_ioctl(fd, VIDIOC_QUERYCAP, &cap) &&
		    !strcmp((char *)cap.driver, "vivid") &&
		    (cap.device_caps & V4L2_CAP_VIDEO_CAPTURE) &&
		    (cap.device_caps & V4L2_CAP_STREAMING)) {
			v->fd = fd;
			break;
		}
		close(fd);
	}
	closedir(d);
	if (v->fd < 0)
		DIE("no vivid single-planar capture node in /dev (is vivid loaded?)");

	/* Input 0 is vivid's webcam: fixed sizes, no video standard. */
	VIOC(v, VIDIOC_S_INPUT, &input);
	fmt.fmt.pix.width = VIVID_WIDTH;
	fmt.fmt.pix.height = VIVID_HEIGHT;
	fmt.fmt.pix.pixelformat = V4L2_PIX_FMT_YUYV;
	fmt.fmt.pix.field = V4L2_FIELD_NONE;
	VIOC(v, VIDIOC_S_FMT, &fmt);
	if (fmt.fmt.pix.width != VIVID_WIDTH ||
	    fmt.fmt.pix.height != VIVID_HEIGHT ||
	    fmt.fmt.pix.pixelformat != V4L2_PIX_FMT_YUYV)
		DIE("vivid gave %ux%u %.4s, asked for %ux%u YUYV",
		    fmt.fmt.pix.width, fmt.fmt.pix.height,
		    (char *)&fmt.fmt.pix.pixelformat, VIVID_WIDTH,
		    VIVID_HEIGHT);
	v->sizeimage = fmt.fmt.pix.sizeimage;
	/* The fastest the webcam goes: a frame every 1/60 s. */
	parm.parm.capture.timeperframe.numerator = 1;
	parm.parm.capture.timeperframe.denominator = 60;
	VIOC(v, VIDIOC_S_PARM, &parm);

	vivid_menu(v, "Test Pattern", "75% Colorbar");
	vivid_menu(v, "OSD Text Mode", "None");
	vivid_menu(v, "Horizontal Movement", "No Movement");
	vivid_menu(v, "Vertical Movement", "No Movement");
}

static void vivid_reqbufs(struct vivid *v, enum v4l2_memory memory,
			  unsigned int count)
{
	struct v4l2_requestbuffers req = {
		.count = count,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = memory,
	};

	v->memory = memory;
	VIOC(v, VIDIOC_REQBUFS, &req);
	/* vivid rounds a queue up to two buffers; the tests use the first. */
	if (req.count < count)
		DIE("REQBUFS %u gave %u buffers", count, req.count);
}

/* QBUF buffer @index: a dma-buf fd, a user pointer, or neither (MMAP). */
static int vivid_qbuf(struct vivid *v, unsigned int index, int dmabuf,
		      void *ptr, size_t length)
{
	struct v4l2_buffer b = {
		.index = index,
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = v->memory,
	};

	if (v->memory == V4L2_MEMORY_DMABUF) {
		b.m.fd = dmabuf;
		b.length = (uint32_t)length;
	} else if (v->memory == V4L2_MEMORY_USERPTR) {
		b.m.userptr = (unsigned long)ptr;
		b.length = (uint32_t)length;
	}
	return vivid_ioctl(v->fd, VIDIOC_QBUF, &b);
}

static void vivid_stream(struct vivid *v, bool on)
{
	int type = V4L2_BUF_TYPE_VIDEO_CAPTURE;

	if (on)
		VIOC(v, VIDIOC_STREAMON, &type);
	else
		VIOC(v, VIDIOC_STREAMOFF, &type);
}

/* DQBUF (blocking) a full frame; returns the buffer index. */
static unsigned int vivid_dqbuf(struct vivid *v, uint32_t *sequence)
{
	struct v4l2_buffer b = {
		.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
		.memory = v->memory,
	};

	VIOC(v, VIDIOC_DQBUF, &b);
	if (b.flags & V4L2_BUF_FLAG_ERROR)
		DIE("vivid returned buffer %u with V4L2_BUF_FLAG_ERROR",
		    b.index);
	if (b.bytesused != v->sizeimage)
		DIE("vivid filled %u bytes of buffer %u, a frame is %u",
		    b.bytesused, b.index, v->sizeimage);
	if (sequence)
		*sequence = b.sequence;
	return b.index;
}

/*
 * One frame the ordinary way: two MMAP buffers, streamed until two frames
 * came back, which must be identical (the settings are reproducible). The
 * frame is copied to @frame (v->sizeimage bytes).
 */
static void vivid_mmap_frame(struct vivid *v, void *frame)
{
	void *maps[2];
	unsigned int i, idx;
	void *first = malloc(v->sizeimage);

	if (!first)
		DIE("malloc");
	vivid_reqbufs(v, V4L2_MEMORY_MMAP, 2);
	for (i = 0; i < 2; i++) {
		struct v4l2_buffer b = {
			.index = i,
			.type = V4L2_BUF_TYPE_VIDEO_CAPTURE,
			.memory = V4L2_MEMORY_MMAP,
		};

		VIOC(v, VIDIOC_QUERYBUF, &b);
		maps[i] = mmap(NULL, b.length, PROT_READ, MAP_SHARED, v->fd,
			       b.m.offset);
		if (maps[i] == MAP_FAILED)
			DIE("mmap vivid buffer %u: %s", i, strerror(errno));
		if (vivid_qbuf(v, i, -1, NULL, 0))
			DIE("QBUF mmap %u", i);
	}
	vivid_stream(v, true);
	idx = vivid_dqbuf(v, NULL);
	memcpy(first, maps[idx], v->sizeimage);
	idx = vivid_dqbuf(v, NULL);
	memcpy(frame, maps[idx], v->sizeimage);
	vivid_stream(v, false);
	if (memcmp(first, frame, v->sizeimage))
		DIE("two MMAP frames differ: vivid's settings are not reproducible");
	if (t_check_zero(frame, v->sizeimage) < 0)
		DIE("vivid's MMAP frame is all zero");
	for (i = 0; i < 2; i++)
		munmap(maps[i], v->sizeimage);
	vivid_reqbufs(v, V4L2_MEMORY_MMAP, 0);
	free(first);
}

#endif /* CMAMEM_TESTS_VIVID_H */
