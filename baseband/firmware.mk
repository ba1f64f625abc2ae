# Sources of guest/lib the baseband firmware shares with the AP guest:
# the speech codec is the same ITU-T G.722 code on both processors.
BB_SHARED_LIBS = g722
