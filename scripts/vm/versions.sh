# Sourced: the one place the kernels used by the real-kernel harness are pinned.
# bookworm-backports serves only its newest build; when Debian publishes a new one the fetch
# fails, prints what is served, and this line is the one to bump.
KERNEL_DEB_VERSION="6.12.95-1~bpo12+1"
# The generic flavour (the cloud one lacks SYNC_FILE and double-faults under TCG).
KERNEL_IMAGE_PKG="linux-image-6.12.95+deb12-amd64"
KERNEL_SOURCE_PKG="linux-source-6.12"
